"""A narrative report as a Word document, laid out like the reports unions send upward
(GB/T 9704 in spirit): A4, title in a bold 二号, headings in 黑体, body in 仿宋 三号 with a
two-character first-line indent and fixed 28-point lines, and the table of indicators at
the end with its lights shaded."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from gonghui.core.actors import Actor
from gonghui.core.formatting import LIGHTS

if TYPE_CHECKING:
    from gonghui.reports.narrative import Narrative

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
BODY_SIZE = 16  # 三号
TABLE_SIZE = 10.5  # 五号
SHADING_SUCCESSORS = (
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
)
# Column widths in millimetres (the text block is 210 − 28 − 26 = 156 mm wide).
WIDTHS = {
    7: (50, 14, 22, 22, 16, 16, 16),
    8: (40, 12, 20, 20, 20, 15, 15, 14),
}


def _run(
    paragraph: DocxParagraph,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = BODY_SIZE,
    bold: bool = False,
    color: str = "",
) -> None:
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    # Word takes Chinese text's font from the East Asian slot, which font.name leaves alone.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _body_paragraph(paragraph: DocxParagraph, *, indent: bool = True) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(2 * BODY_SIZE)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    # Word refuses a document whose cell properties are out of the schema's order.
    cell._tc.get_or_add_tcPr().insert_element_before(shading, *SHADING_SUCCESSORS)


def _cell_text(
    cell: _Cell, text: str, *, bold: bool = False, color: str = "", left: bool = False
) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _run(paragraph, text, size=TABLE_SIZE, bold=bold, color=color)


def _repeat_header(row_element: object) -> None:
    """The header row repeats at the top of each page the table runs onto."""
    tr_pr = row_element.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def narrative_docx(narrative: Narrative) -> bytes:
    """The .docx of a half-year report or quarterly showcase."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    document.core_properties.title = narrative.title
    document.core_properties.author = narrative.union.name

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    _run(title, narrative.title, font=TITLE_FONT, size=22, bold=True)
    as_of = document.add_paragraph()
    as_of.alignment = WD_ALIGN_PARAGRAPH.CENTER
    as_of.paragraph_format.space_after = Pt(12)
    _run(as_of, narrative.as_of_line, size=12)

    lead = document.add_paragraph()
    _body_paragraph(lead)
    _run(lead, narrative.lead)
    for paragraph in narrative.paragraphs:
        heading = document.add_paragraph()
        _body_paragraph(heading)
        _run(heading, paragraph.heading, font=HEADING_FONT)
        body = document.add_paragraph()
        _body_paragraph(body)
        for text, _figure in paragraph.runs:
            _run(body, text)

    heading = document.add_paragraph()
    _body_paragraph(heading)
    _run(heading, narrative.table_heading, font=HEADING_FONT)
    columns = len(narrative.table_header)
    table = document.add_table(rows=1, cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = WIDTHS.get(columns, tuple(156 // columns for _ in range(columns)))
    for cell, text in zip(table.rows[0].cells, narrative.table_header, strict=True):
        _cell_text(cell, text, bold=True)
        _shade(cell, "F2F2F2")
    _repeat_header(table.rows[0]._tr)
    for group in narrative.table_groups:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        _cell_text(merged, group.section, bold=True, left=True)
        for row in group.rows:
            cells = table.add_row().cells
            _cell_text(cells[0], row.label, left=True)
            _cell_text(cells[1], row.unit)
            for cell, figure in zip(cells[2:-1], row.cells, strict=True):
                _cell_text(cell, figure.written)
            light = cells[-1]
            _cell_text(
                light, row.light_label, color=LIGHTS[row.light].text if row.light in LIGHTS else ""
            )
            if row.light:
                _shade(light, LIGHTS[row.light].fill)
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Mm(width)
    for row_ in table.rows:
        if len({id(c._tc) for c in row_.cells}) == 1:
            continue  # a section's row, merged across
        for cell, width in zip(row_.cells, widths, strict=False):
            cell.width = Mm(width)
    note = document.add_paragraph()
    note.paragraph_format.space_before = Pt(6)
    _run(note, narrative.note, size=TABLE_SIZE)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    """The text of a .docx as a reader sees it: each paragraph, then each table cell, one a
    line (tests and the route walk read documents through this)."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            seen: list[object] = []
            for cell in row.cells:
                if not any(cell._tc is tc for tc in seen):  # a merged cell once
                    seen.append(cell._tc)
                    lines.append(cell.text)
    return "\n".join(lines)


def narrative_download(*, actor: Actor, narrative: Any) -> bytes:
    """The report as a .docx for a person to take away: every download is audited."""
    from gonghui.core.audit import audit_record

    data = narrative_docx(narrative)
    audit_record(
        actor=actor,
        action="report.narrative.download",
        union=narrative.union,
        summary=f"下载 {narrative.file_name}",
    )
    return data
