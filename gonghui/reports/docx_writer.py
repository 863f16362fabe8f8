"""A narrative report as a Word document in the layout of GB/T 9704-2012 (党政机关公文格式),
as offices expect it: A4 with the standard text block (156 × 225 mm: 28 mm left, 37 mm top)
and a document grid of 22 lines of 28 characters; the title in 二号方正小标宋简体, the body
in 三号仿宋_GB2312, first-level headings in 黑体 and second-level ones in 楷体_GB2312; page
numbers in 四号宋体 as "— 1 —" below the text block, odd pages on the right and even pages
on the left, one character in; the sign-off (落款: the union's name, and the date under it,
two characters further right) and "数据截至" as a note (附注) below it. Offices' machines
have the GB2312 fonts; where one is missing the font table names the usual substitute
(仿宋, 楷体, 宋体). The table of indicators keeps every figure on one line in its cell."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from gonghui.core.actors import Actor
from gonghui.core.formatting import LIGHTS

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.section import Section as DocxSection

    from gonghui.reports.narrative import Narrative

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
# Where an office machine lacks a font, Word takes the font table's alternative.
FALLBACKS = {
    TITLE_FONT: "宋体",
    BODY_FONT: "仿宋",
    SUBHEADING_FONT: "楷体",
    HEADING_FONT: "SimHei",
}
TITLE_SIZE = 22  # 二号
BODY_SIZE = 16  # 三号
PAGE_NUMBER_SIZE = 14  # 四号
TABLE_SIZE = 10.5  # 五号
# 22 lines in the 225 mm text block (28.95 pt each) and 28 characters in its 156 mm width:
# the grid Word keeps as twentieths of a point per line and, per character, the difference
# from the body size in 1/4096 pt.
LINE = Pt(28.95)
GRID_LINE_PITCH = 579
GRID_CHAR_SPACE = -849
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
NOWRAP_SUCCESSORS = SHADING_SUCCESSORS[1:]


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
    fmt.line_spacing = LINE
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


def _no_wrap(cell: _Cell) -> None:
    """A figure stays on one line in its cell."""
    cell._tc.get_or_add_tcPr().insert_element_before(OxmlElement("w:noWrap"), *NOWRAP_SUCCESSORS)


def _cell_text(
    cell: _Cell, text: str, *, bold: bool = False, color: str = "", left: bool = False
) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _run(paragraph, text, size=TABLE_SIZE, bold=bold, color=color)


def _repeat_header(row_element: object) -> None:
    """The header row repeats at the top of each page the table runs onto."""
    tr_pr = row_element.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _page_setup(document: DocxDocument) -> DocxSection:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Pt(PAGE_NUMBER_SIZE)  # 页码 7 mm under the text block
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(GRID_LINE_PITCH))
    grid.set(qn("w:charSpace"), str(GRID_CHAR_SPACE))
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return section


def _page_numbers(document: DocxDocument, section: DocxSection) -> None:
    """ "— 1 —": odd pages on the right, even pages on the left, one character in."""
    document.settings.odd_and_even_pages_header_footer = True
    for footer, right in ((section.footer, True), (section.even_page_footer, False)):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
        indent = Pt(PAGE_NUMBER_SIZE)
        if right:
            paragraph.paragraph_format.right_indent = indent
        else:
            paragraph.paragraph_format.left_indent = indent
        _run(paragraph, "— ", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE)
        paragraph._p.append(
            parse_xml(
                f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:rPr>'
                f'<w:rFonts w:ascii="{PAGE_NUMBER_FONT}" w:hAnsi="{PAGE_NUMBER_FONT}" '
                f'w:eastAsia="{PAGE_NUMBER_FONT}"/><w:sz w:val="{PAGE_NUMBER_SIZE * 2}"/>'
                "</w:rPr><w:t>1</w:t></w:r></w:fldSimple>"
            )
        )
        _run(paragraph, " —", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE)


def _font_fallbacks(document: DocxDocument) -> None:
    """Name, in the font table, the font Word uses where a GB2312 font is missing."""
    part = next(
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")
    )
    table = parse_xml(part.blob)
    for name, alternative in FALLBACKS.items():
        table.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternative}"/>'
                '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/>'
                "</w:font>"
            )
        )
    from lxml import etree

    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _sign_off(document: DocxDocument, narrative: Narrative) -> None:
    """落款 (GB/T 9704-2012 7.3.5.2): one empty line, the union's name two characters in from
    the right, the date on the next line starting two characters right of the name; a date
    longer than the name keeps two characters from the right and the name moves left. Then
    the note of when the figures were read (附注), two characters in, in brackets."""
    _body_paragraph(document.add_paragraph(), indent=False)
    written = narrative.signed_line
    two = 2 * BODY_SIZE
    name_width = _text_points(narrative.union.name, BODY_SIZE)
    day_width = _text_points(written, BODY_SIZE)
    day_indent = max(two, name_width - day_width)
    name_indent = day_indent + day_width + two - name_width
    for text, indent in ((narrative.union.name, name_indent), (written, day_indent)):
        line = document.add_paragraph()
        _body_paragraph(line, indent=False)
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        line.paragraph_format.right_indent = Pt(indent)
        _run(line, text)
    note = document.add_paragraph()
    _body_paragraph(note, indent=True)
    _run(note, f"（{narrative.as_of_line}）")


def _text_points(text: str, size: float) -> float:
    return sum(size if ord(ch) > 0x2E7F else size / 2 for ch in text)


# A table cell's left and right margins (Word's default 0.19 cm each), and a little slack.
CELL_MARGINS_PT = 2 * 0.19 / 2.54 * 72 + 2


def column_widths(narrative: Narrative) -> list[float]:
    """Widths in millimetres: each column after the first as wide as its longest text on
    one line (no figure wraps), the indicator's name taking the rest of the 156 mm."""
    columns = len(narrative.table_header)
    texts: list[list[str]] = [[] for _ in range(columns)]
    for group in narrative.table_groups:
        for row in group.rows:
            cells = [row.label, row.unit, *(f.written for f in row.cells), row.light_label]
            for i, text in enumerate(cells):
                texts[i].append(text)
    widths = [0.0]
    for i in range(1, columns):
        # The header may wrap onto two lines; the figures may not.
        widest = max(
            [_text_points(t, TABLE_SIZE) for t in texts[i]]
            + [_text_points(narrative.table_header[i], TABLE_SIZE) / 2]
        )
        widths.append((widest + CELL_MARGINS_PT) / 72 * 25.4)
    widths[0] = max(20.0, 156 - sum(widths))
    return widths


def narrative_docx(narrative: Narrative) -> bytes:
    """The .docx of a half-year report, a quarterly showcase or an annual summary."""
    document = Document()
    section = _page_setup(document)
    _page_numbers(document, section)
    _font_fallbacks(document)
    document.core_properties.title = narrative.title
    document.core_properties.author = narrative.union.name

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = LINE  # 标题下空一行
    _run(title, narrative.title, font=TITLE_FONT, size=TITLE_SIZE)

    lead = document.add_paragraph()
    _body_paragraph(lead)
    _run(lead, narrative.lead)
    if narrative.part_heading:
        heading = document.add_paragraph()
        _body_paragraph(heading)
        _run(heading, narrative.part_heading, font=HEADING_FONT)
    for paragraph in narrative.paragraphs:
        heading = document.add_paragraph()
        _body_paragraph(heading)
        level_two = paragraph.heading.startswith("（")
        _run(heading, paragraph.heading, font=SUBHEADING_FONT if level_two else HEADING_FONT)
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
    widths = column_widths(narrative)
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
                _no_wrap(cell)
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
    _sign_off(document, narrative)

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
