"""Certificates of skill titles, in the layout Chinese certificates use: the word 证书 (or
荣誉证书) large and centred, the holder's name and what they are honoured for in 楷体 with a
two-character indent, "特发此证", the issuers and the date written in Chinese numerals at the
lower right, and the certificate number at the lower left. The same text serves the
printable page and the Word file."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from gonghui.skills.models import SkillTitle, TitleKind

DIGITS = "〇一二三四五六七八九"


def chinese_date(day: date) -> str:
    """2023-05-01 as 二〇二三年五月一日, as certificates and official documents write it."""

    def small(n: int) -> str:
        if n < 10:
            return DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("十" if tens == 1 else DIGITS[tens] + "十") + (DIGITS[ones] if ones else "")

    year = "".join(DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{small(day.month)}月{small(day.day)}日"


@dataclass(frozen=True)
class Certificate:
    heading: str
    holder: str
    body: str
    issuers: tuple[str, ...]
    date_text: str
    number: str


def certificate_of(title: SkillTitle) -> Certificate:
    """The words of a title's certificate."""
    name = title.get_kind_display()
    entry = title.entry
    if entry is not None:
        competition = entry.competition
        series = competition.series.name if competition.series else ""
        body = f"在{series}{competition.name}中，荣获第{entry.rank}名，被授予“{name}”称号。"
    elif title.trade:
        body = f"在{title.trade}岗位上技艺精湛、业绩突出，被授予“{name}”称号。"
    else:
        body = f"技艺精湛、业绩突出，被授予“{name}”称号。"
    issuers = tuple(i for i in title.issuers.replace("，", "、").split("、") if i.strip())
    return Certificate(
        heading="证书" if title.kind == TitleKind.TECHNICAL_EXPERT else "荣誉证书",
        holder=title.talent.name,
        body=body + "特发此证，以资鼓励。",
        issuers=issuers,
        date_text=chinese_date(title.granted_on),
        number=title.certificate_no,
    )


def _font(run: object, name: str, size: float, *, bold: bool = False, red: bool = False) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)  # type: ignore[attr-defined]
    if red:
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)  # type: ignore[attr-defined]


def certificate_docx(title: SkillTitle) -> bytes:
    """The certificate as a Word file: A4 landscape, one page."""
    c = certificate_of(title)
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(35)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_after = Pt(30)
    _font(heading.add_run("  ".join(c.heading)), "宋体", 48, bold=True, red=True)
    holder = doc.add_paragraph()
    _font(holder.add_run(f"{c.holder}同志："), "楷体", 22)
    body = doc.add_paragraph()
    body.paragraph_format.first_line_indent = Pt(44)
    body.paragraph_format.line_spacing = Pt(40)
    _font(body.add_run(c.body), "楷体", 22)
    for n, issuer in enumerate((*c.issuers, c.date_text)):
        line = doc.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if n == 0:
            line.paragraph_format.space_before = Pt(36)
        _font(line.add_run(issuer), "楷体", 18)
    number = doc.add_paragraph()
    number.paragraph_format.space_before = Pt(24)
    _font(number.add_run(f"证书编号：{c.number}"), "仿宋", 12)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
