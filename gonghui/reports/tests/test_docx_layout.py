"""The narrative .docx in the layout of GB/T 9704-2012, and the dispatch workbook's ranking
blocks kept whole on a printed page."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from gonghui.conftest import World
from gonghui.reports.dispatch import dispatch_table
from gonghui.reports.dispatch_export import (
    HEADER_ROWS,
    RANK_WIDTHS,
    dispatch_workbook,
    page_breaks,
    print_scale,
)
from gonghui.reports.docx_writer import narrative_docx
from gonghui.reports.narrative import annual_summary, half_year_report
from gonghui.reports.tests.test_dispatch import dispatch_world
from gonghui.reports.tests.test_narrative import build_records


@pytest.fixture
def records(world: World) -> World:
    build_records(world)
    return world


@pytest.fixture
def annual(records: World) -> Any:
    report = annual_summary(union=records.city, year=2023)
    return report, Document(io.BytesIO(narrative_docx(report)))


def east_asian(run: Any) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_page_is_a4_with_the_standard_text_block(annual: Any) -> None:
    _, document = annual
    section = document.sections[0]
    sizes = [
        round(x.mm)
        for x in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.left_margin,
            section.right_margin,
            section.bottom_margin,
        )
    ]
    assert sizes == [210, 297, 37, 28, 26, 35]


def test_the_grid_is_22_lines_of_28_characters(annual: Any) -> None:
    _, document = annual
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    pitch, space = int(grid.get(qn("w:linePitch"))), int(grid.get(qn("w:charSpace")))
    text_height_pt, text_width_pt = 225 / 25.4 * 72, 156 / 25.4 * 72
    assert int(text_height_pt * 20 / pitch) == 22
    assert round(text_width_pt / (16 + space / 4096)) == 28
    assert grid.get(qn("w:type")) == "linesAndChars"


def test_title_body_and_headings_use_the_official_fonts(annual: Any) -> None:
    report, document = annual
    paragraphs = {p.text: p for p in document.paragraphs}
    title = paragraphs[report.title].runs[0]
    assert (east_asian(title), title.font.size) == ("方正小标宋简体", Pt(22))
    body = paragraphs[report.paragraphs[0].text].runs[0]
    assert (east_asian(body), body.font.size) == ("仿宋_GB2312", Pt(16))
    assert east_asian(paragraphs[report.part_heading].runs[0]) == "黑体"
    assert east_asian(paragraphs["（一）组织建设"].runs[0]) == "楷体_GB2312"


def test_missing_fonts_fall_back_to_the_usual_ones(annual: Any) -> None:
    report, _ = annual
    with zipfile.ZipFile(io.BytesIO(narrative_docx(report))) as package:
        fonts = package.read("word/fontTable.xml").decode()
    for name, alternative in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体")):
        assert f'w:name="{name}"><w:altName w:val="{alternative}"/>' in fonts


def test_page_numbers_read_dash_number_dash_right_on_odd_left_on_even(annual: Any) -> None:
    _, document = annual
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert document.settings.odd_and_even_pages_header_footer
    assert (odd.alignment, even.alignment) == (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)
    for footer in (odd, even):
        assert "".join(t.text for t in footer._p.iter(qn("w:t"))) == "— 1 —"
        assert footer._p.xpath(".//w:fldSimple")[0].get(qn("w:instr")).strip() == "PAGE"


def test_the_sign_off_names_the_union_and_the_day_then_the_as_of_note(annual: Any) -> None:
    report, document = annual
    texts = [p.text for p in document.paragraphs]
    name_at = texts.index(report.union.name)
    assert texts[name_at - 1] == ""  # 正文下空一行
    assert texts[name_at + 1] == report.signed_line
    assert texts[name_at + 2] == f"（{report.as_of_line}）"
    assert report.as_of_line not in texts[:3]  # not under the title
    name, day = document.paragraphs[name_at], document.paragraphs[name_at + 1]
    name_width = 16 * len(report.union.name)
    day_width = sum(16 if ord(c) > 0x2E7F else 8 for c in report.signed_line)
    name_start = name.paragraph_format.right_indent + Pt(name_width)
    day_start = day.paragraph_format.right_indent + Pt(day_width)
    assert name_start - day_start == Pt(32)  # the date's first character two further right
    assert min(name.paragraph_format.right_indent, day.paragraph_format.right_indent) == Pt(32)


def test_no_figure_wraps_in_its_cell(annual: Any) -> None:
    report, document = annual
    (table,) = document.tables
    figures = {f.written for g in report.table_groups for r in g.rows for f in r.cells}
    checked = 0
    for row in table.rows[1:]:
        for cell in row.cells[2:-1]:
            if cell.text in figures and cell.text:
                tc_pr = cell._tc.tcPr
                assert tc_pr.find(qn("w:noWrap")) is not None, cell.text
                # 五号: a Chinese character 10.5 pt, a digit half; the cell's margins 0.19 cm
                # on each side.
                width = sum(10.5 if ord(c) > 0x2E7F else 5.25 for c in cell.text)
                assert Pt(width) + Mm(3.8) <= cell.width, cell.text
                checked += 1
    assert checked > 20


def test_a_rates_change_is_in_percentage_points(records: World) -> None:
    report = annual_summary(union=records.city, year=2023)
    changes = [
        (f.key, f.written)
        for g in report.table_groups
        for r in g.rows
        for f in r.cells
        if f.measure == "change" and f.value is not None
    ]
    rate = next(written for key, written in changes if key == "above_scale_union_rate")
    assert rate.endswith("个百分点")


def test_the_half_year_report_keeps_its_headings(records: World) -> None:
    report = half_year_report(union=records.city, year=2023)
    assert (report.part_heading, report.paragraphs[0].heading) == ("", "一、组织建设")


# -- the dispatch workbook's ranking ------------------------------------------------------------


def test_a_block_that_would_not_fit_starts_the_next_page() -> None:
    scale = print_scale(RANK_WIDTHS)
    blocks = [(HEADER_ROWS + 3 * n, 45.0) for n in range(40)]
    breaks = page_breaks(blocks, scale)
    starts = {first for first, _ in blocks}
    assert breaks and set(breaks) <= starts


def test_the_ranking_sheet_breaks_pages_only_between_indicators(world: World) -> None:
    dispatch_world(world)
    table = dispatch_table(union=world.city, year=2023, month=6)
    out = io.BytesIO()
    dispatch_workbook(table, out)
    out.seek(0)
    sheet = openpyxl.load_workbook(out)["下级排名"]
    breaks = [b.id for b in sheet.row_breaks.brk]
    # A block's first row holds its number in column A (1-based in openpyxl).
    starts = {cell.row - 1 for cell in sheet["A"][HEADER_ROWS:] if isinstance(cell.value, int)}
    assert breaks, "the ranking of every indicator runs to more than one page"
    assert set(breaks) <= starts
    # A fixed scale (100 is Excel's default, left unwritten), not fitted to pages, which
    # would make Excel ignore the breaks.
    assert (sheet.page_setup.scale or 100) == print_scale(RANK_WIDTHS)
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage
