"""QR codes drawn on the server (SVG markup): no outside service on the intranet."""

from __future__ import annotations


def qr_svg(data: str, scale: int = 4) -> str:
    import segno

    return str(segno.make(data, error="m").svg_inline(scale=scale, dark="#000", light="#fff"))
