"""The sheets engine, through a small test-only sheet of administrative regions.

The sheet writes real ``Region`` rows, so the dry run and the all-or-nothing commit are
checked against the database, not against a stand-in.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Hashable, Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
import xlwt
from django.core.exceptions import ValidationError
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.core.sheets import (
    BatchOutcome,
    CellError,
    Column,
    ImportReport,
    ParsedRow,
    RowError,
    Sheet,
    neutralise,
    run_import,
    write_error_workbook,
    write_export,
    write_template,
)
from gonghui.core.sheets.parsers import (
    choice,
    parse_date,
    past_date,
    person_name,
    text,
    whole_number,
    yes_no,
)
from gonghui.core.sheets.reader import UploadLimits
from gonghui.orgs.models import Region

pytestmark = pytest.mark.django_db

LEVEL = choice(Region.Level.choices, ("县", Region.Level.COUNTY), ("区", Region.Level.COUNTY))


class RegionSheet(Sheet):
    """区划: code and name required; level coded; a founding date; a free remark."""

    name = "test-regions"
    title = "测试区划"
    columns = (
        Column("code", "区划代码", text(12), synonyms=("行政区划代码",), required=True),
        Column("name", "名称", text(64), synonyms=("区划名称",), required=True),
        Column("level", "层级", LEVEL, default=Region.Level.TOWNSHIP),
        Column("founded", "设立日期", past_date),
        Column("remark", "备注", text(20)),
    )
    key_column = "code"
    batch_size = 2  # several batches even in a small file

    def key(self, values: dict[str, Any]) -> Hashable:
        return values["code"]

    def check(self, values: dict[str, Any]) -> None:
        code = values["code"]  # None when blank: the engine has reported it already
        if values["level"] == Region.Level.PROVINCE and code is not None and len(code) != 2:
            raise RowError("区划代码", "区划代码：省级区划代码应为2位")

    def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
        outcome = BatchOutcome()
        existing = {
            r.code: r for r in Region.objects.filter(code__in=[b.values["code"] for b in batch])
        }
        new: list[Region] = []
        changed: list[Region] = []
        for row in batch:
            v = row.values
            if v["code"] == "000000":
                outcome.errors.append(CellError(row.number, "区划代码", "区划代码：保留代码"))
                continue
            region = existing.get(v["code"])
            if region is None:
                new.append(Region(code=v["code"], name=v["name"], level=v["level"]))
            elif (region.name, region.level) == (v["name"], v["level"]):
                outcome.unchanged += 1
            else:
                region.name, region.level = v["name"], v["level"]
                changed.append(region)
        outcome.created, outcome.updated = len(new), len(changed)
        if write:
            Region.objects.bulk_create(new)
            Region.objects.bulk_update(changed, ["name", "level"])
        return outcome

    def export_rows(self) -> Iterable[list[Any]]:
        for r in Region.objects.order_by("code"):
            yield [r.code, r.name, r.get_level_display(), None, ""]


HEADERS = ["区划代码", "名称", "层级"]
LIMITS = UploadLimits(
    max_bytes=1_000_000,
    max_uncompressed_bytes=50_000_000,
    max_zip_entries=100,
    max_compression_ratio=100,
    max_rows=1000,
)


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), dates)
            elif isinstance(value, str):
                ws.write_string(r, c, value)  # never a formula: "=1+1" stays text
            elif value is not None:
                ws.write(r, c, value)
    book.close()
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def run(path: Path, *, dry_run: bool = False, limits: UploadLimits = LIMITS) -> ImportReport:
    return run_import(RegionSheet(), path, dry_run=dry_run, limits=limits)


def errors(report: ImportReport) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in report.errors]


def region_codes() -> list[str]:
    return list(Region.objects.order_by("code").values_list("code", flat=True))


def error_code(exc: pytest.ExceptionInfo[ValidationError]) -> str | None:
    return exc.value.code


# --- Header detection ------------------------------------------------------------------


def test_title_rows_and_merged_cells_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "regions.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.merge_range(0, 0, 0, 2, "湖州市行政区划表")
    ws.merge_range(1, 0, 1, 2, "填表说明：代码为6位")
    ws.write_row(2, 0, HEADERS)
    ws.write_row(3, 0, ["330502", "吴兴区", "区县"])
    book.close()
    report = run(path)
    assert (report.header_row, report.rows, report.created) == (3, 1, 1)
    assert Region.objects.get(code="330502").name == "吴兴区"


def test_column_order_is_free_and_unknown_columns_are_ignored(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["层级", "序号", "名称", "区划代码"], ["区县", 1, "南浔区", "330503"]],
    )
    run(path)
    region = Region.objects.get(code="330503")
    assert (region.name, region.level) == ("南浔区", Region.Level.COUNTY)


def test_header_synonyms_are_recognised(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [["行政区划代码", "区划名称"], ["330503", "南浔区"]])
    run(path)
    assert Region.objects.get(code="330503").name == "南浔区"


def test_required_marks_and_spaces_in_headers_are_ignored(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["* 区划 代码", "名\u3000称＊", " 层级： "], ["330503", "南浔区", "区县"]],
    )
    report = run(path)
    assert report.header_row == 1
    assert Region.objects.get(code="330503").level == Region.Level.COUNTY


def test_missing_required_header_names_the_required_headers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [["区划代码", "层级"], ["330503", "区县"]])
    with pytest.raises(ValidationError) as caught:
        run(path)
    assert error_code(caught) == "no_header"
    assert caught.value.messages == ["在文件前 30 行中没有找到表头：表头须包含 区划代码、名称。"]


# --- Row numbers, blank rows, cell errors, duplicates -----------------------------------


def test_excel_row_numbers_count_the_title_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["区划表"], [], HEADERS, ["330502", "吴兴区"], ["330503", ""]],
    )
    report = run(path, dry_run=True)
    assert errors(report) == [(5, "名称", "名称不能为空")]


def test_excel_row_numbers_count_empty_leading_rows_and_columns(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [[], [], [None, *HEADERS], [None, "330502", "吴兴区"], [None, "330503", ""]],
    )
    report = run(path, dry_run=True)
    assert (report.header_row, errors(report)) == (3, [(5, "名称", "名称不能为空")])


def test_csv_row_numbers_are_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("测试区划表\n区划代码,名称\n330502,吴兴区\n\n330503,\n", encoding="utf-8")
    report = run(path, dry_run=True)
    assert (report.header_row, errors(report)) == (2, [(5, "名称", "名称不能为空")])


def test_blank_and_whitespace_only_rows_are_not_data(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [HEADERS, ["330502", "吴兴区"], [], ["  ", "\u3000", "\u00a0"], ["330503", "南浔区"]],
    )
    report = run(path)
    assert (report.rows, report.valid, report.invalid) == (2, 2, 0)
    assert region_codes() == ["330502", "330503"]


def test_empty_required_cell_is_an_error_naming_row_and_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [HEADERS, [" ", "吴兴区"]])
    report = run(path, dry_run=True)
    assert errors(report) == [(2, "区划代码", "区划代码不能为空")]


def test_parser_error_is_prefixed_with_the_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [HEADERS, ["330502", "吴兴区", "地级"]])
    report = run(path, dry_run=True)
    assert errors(report) == [(2, "层级", "层级：应为以下之一：省、市、区县、乡镇（街道）")]


def test_every_bad_cell_of_a_row_is_reported(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [HEADERS, ["", "", "地级"]])
    report = run(path, dry_run=True)
    assert [e[1] for e in errors(report)] == ["区划代码", "名称", "层级"]
    assert (report.rows, report.invalid, report.valid) == (1, 1, 0)


def test_row_rule_of_the_sheet_is_reported_on_its_row(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx", [HEADERS, ["33", "浙江省", "省"], ["3305", "湖州", "省"]]
    )
    report = run(path, dry_run=True)
    assert errors(report) == [(3, "区划代码", "区划代码：省级区划代码应为2位")]


def test_row_rule_is_reported_beside_a_bad_cell_of_the_same_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [HEADERS, ["3305", "", "省"]])
    report = run(path, dry_run=True)
    assert errors(report) == [
        (2, "名称", "名称不能为空"),
        (2, "区划代码", "区划代码：省级区划代码应为2位"),
    ]
    assert report.invalid == 1


def test_duplicate_in_file_is_reported_on_the_later_row(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [HEADERS, ["330502", "吴兴区"], ["330503", "南浔区"], ["330502", "吴兴"]],
    )
    report = run(path, dry_run=True)
    assert errors(report) == [(4, "区划代码", "与第 2 行重复")]
    assert (report.valid, report.invalid) == (2, 1)


def test_error_found_when_applying_a_batch_counts_the_row_invalid(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [HEADERS, ["330502", "吴兴区"], ["000000", "无"]])
    report = run(path, dry_run=True)
    assert errors(report) == [(3, "区划代码", "区划代码：保留代码")]
    assert (report.valid, report.invalid, report.created) == (1, 1, 1)


# --- Dry run and all-or-nothing ----------------------------------------------------------


def test_dry_run_reports_what_would_happen_and_writes_nothing(tmp_path: Path) -> None:
    Region.objects.create(code="330502", name="吴兴区", level=Region.Level.TOWNSHIP)
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [HEADERS, ["330502", "吴兴区", "区县"], ["330503", "南浔区"], ["330504", "新区"]],
    )
    report = run(path, dry_run=True)
    assert (report.created, report.updated, report.unchanged) == (2, 1, 0)
    assert report.committed is False
    assert region_codes() == ["330502"]
    assert Region.objects.get(code="330502").level == Region.Level.TOWNSHIP


def test_valid_file_is_committed(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [HEADERS, ["330502", "吴兴区"], ["330503", "南浔区"], ["330504", "新区"]],
    )
    report = run(path)
    assert report.committed is True
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert region_codes() == ["330502", "330503", "330504"]


def test_one_invalid_row_commits_nothing(tmp_path: Path) -> None:
    # Batches of 2: the first two batches are written before the bad row is read.
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            HEADERS,
            ["330502", "吴兴区"],
            ["330503", "南浔区"],
            ["330504", "新区"],
            ["330505", "另一区"],
            ["330506", ""],
        ],
    )
    report = run(path)
    assert report.committed is False
    assert (report.valid, report.invalid) == (4, 1)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert region_codes() == []


def test_batch_error_in_an_already_written_batch_commits_nothing(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx", [HEADERS, ["330502", "吴兴区"], ["000000", "无"], ["330503", "南浔"]]
    )
    report = run(path)
    assert report.committed is False
    assert region_codes() == []


def test_reimport_of_the_same_file_changes_nothing(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [HEADERS, ["330502", "吴兴区"], ["330503", "南浔区"]])
    run(path)
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


class Recorder:
    """A progress bar that remembers what it was told."""

    def __init__(self) -> None:
        self.total: int | None = None
        self.advances: list[int] = []

    def set_total(self, total: int) -> None:
        self.total = total

    def advance(self, done: int = 1, failed: int = 0) -> None:
        self.advances.append(done)


def test_progress_advances_per_batch(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [HEADERS, ["330502", "吴兴区"], ["330503", "南浔区"], ["330504", "新区"]],
    )
    bar = Recorder()
    run_import(RegionSheet(), path, dry_run=True, limits=LIMITS, progress=bar)
    assert bar.advances == [2, 1]


def test_progress_reaches_its_total_with_bad_rows_counted(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["区划表"], HEADERS, ["330502", "吴兴区"], ["330503", ""], ["330504", "新区"]],
    )
    bar = Recorder()
    run_import(RegionSheet(), path, dry_run=True, limits=LIMITS, progress=bar)
    assert (bar.total, sum(bar.advances)) == (3, 3)


# --- File formats ------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encoding_is_detected(tmp_path: Path, encoding: str) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [["区划代码", "名称", "层级"], ["330502", "吴兴区", "区县"], ["330503", "南浔区", "区"]],
        encoding=encoding,
    )
    report = run(path)
    assert report.ok, errors(report)
    assert list(Region.objects.order_by("code").values_list("name", "level")) == [
        ("吴兴区", Region.Level.COUNTY),
        ("南浔区", Region.Level.COUNTY),
    ]


def test_csv_in_an_unreadable_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes("区划代码,名称\n".encode() + b"330502,\xff\xff\xff\xff\xff\n" * 3)
    with pytest.raises(ValidationError) as caught:
        run(path)
    assert error_code(caught) == "file_encoding"


def test_xls_is_read_with_title_rows_and_dates(tmp_path: Path) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("区划")
    ws.write_merge(0, 0, 0, 3, "湖州市行政区划表")
    for c, header in enumerate(["区划代码", "名称", "层级", "设立日期"]):
        ws.write(1, c, header)
    ws.write(2, 0, "330502")
    ws.write(2, 1, "吴兴区")
    ws.write(2, 2, "区县")
    ws.write(2, 3, date(2003, 1, 9), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
    ws.write(3, 0, "330503")
    ws.write(3, 1, "")
    path = tmp_path / "r.xls"
    book.save(str(path))
    report = run(path, dry_run=True)
    assert (report.header_row, report.valid) == (2, 1)
    assert errors(report) == [(4, "名称", "名称不能为空")]


def test_excel_date_cell_reaches_the_parser_as_a_date(tmp_path: Path) -> None:
    seen: list[Any] = []

    class DateSheet(RegionSheet):
        def apply(self, batch: list[ParsedRow], *, write: bool) -> BatchOutcome:
            seen.extend(row.values["founded"] for row in batch)
            return BatchOutcome()

    path = write_xlsx(
        tmp_path / "r.xlsx",
        [[*HEADERS, "设立日期"], ["330502", "吴兴区", "区县", date(2003, 1, 9)]],
    )
    run_import(DateSheet(), path, dry_run=True, limits=LIMITS)
    assert seen == [date(2003, 1, 9)]


# --- Upload limits -----------------------------------------------------------------------


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"")
    with pytest.raises(ValidationError) as caught:
        run(path)
    assert (error_code(caught), caught.value.messages) == ("file_empty", ["文件是空的。"])


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [HEADERS] + [["330502", "吴兴区"]] * 20)
    limits = UploadLimits(**{**LIMITS.__dict__, "max_bytes": 100})
    with pytest.raises(ValidationError) as caught:
        run(path, limits=limits)
    assert error_code(caught) == "file_too_large"


def test_zip_bomb_named_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    with pytest.raises(ValidationError) as caught:
        run(path)
    assert error_code(caught) == "file_zip_bomb"


def test_xlsx_over_the_uncompressed_limit_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [HEADERS, ["330502", "吴兴区"]])
    limits = UploadLimits(**{**LIMITS.__dict__, "max_uncompressed_bytes": 1000})
    with pytest.raises(ValidationError) as caught:
        run(path, limits=limits)
    assert error_code(caught) == "file_zip_bomb"


def test_xml_entity_declaration_in_an_xlsx_part_is_refused(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", [HEADERS, ["330502", "吴兴区"]])
    path = tmp_path / "entity.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/sharedStrings.xml":
                data = data.replace(
                    b"?>",
                    b'?>\n<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>',
                    1,
                )
                assert b"<!ENTITY" in data
            dst.writestr(item, data)
    with pytest.raises(ValidationError) as caught:
        run(path)
    assert error_code(caught) == "file_xml_entity"


def test_too_many_rows_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [HEADERS, ["330502", "吴兴区"], ["330503", "南浔区"], ["330504", "新区"]],
    )
    limits = UploadLimits(**{**LIMITS.__dict__, "max_rows": 2})
    with pytest.raises(ValidationError) as caught:
        run(path, limits=limits)
    assert error_code(caught) == "too_many_rows"
    assert "2 行" in caught.value.messages[0]
    assert region_codes() == []


def test_rows_up_to_the_limit_are_accepted(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [HEADERS, ["330502", "吴兴区"], ["330503", "南浔区"]])
    limits = UploadLimits(**{**LIMITS.__dict__, "max_rows": 2})
    assert run(path, limits=limits).committed is True


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("r.pdf", b"%PDF-1.4 not a table"),
        ("r.xlsx", "区划代码,名称\n330502,吴兴区\n".encode()),
        ("r", b"\x00\x01\x02\x03binary"),
    ],
)
def test_unknown_format_is_refused(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError) as caught:
        run(path)
    assert error_code(caught) == "file_format"


def test_broken_xlsx_is_refused_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"not really a zip" * 10)
    with pytest.raises(ValidationError) as caught:
        run(path)
    assert error_code(caught) == "file_corrupt"


# --- Parsers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        date(2023, 6, 1),
        datetime(2023, 6, 1, 0, 0),
        45078,
        45078.0,
        20230601,
        "2023-06-01",
        "2023/6/1",
        "2023.6.1",
        "2023年6月1日",
        "2023 年 6 月 1 日",
        "20230601",
        "２０２３－０６－０１",
        " 2023-6-1 ",
    ],
)
def test_parse_date_accepts_the_usual_forms(raw: Any) -> None:
    assert parse_date(raw) == date(2023, 6, 1)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2023-02-30", "date_invalid"),
        ("2023-13-01", "date_invalid"),
        ("6/1/2023", "date_format"),
        ("去年", "date_format"),
        (-3, "date_invalid"),
        (0, "date_invalid"),
    ],
)
def test_parse_date_refuses_what_is_not_a_date(raw: Any, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(raw)
    assert caught.value.code == code


def test_past_date_refuses_a_future_date() -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        past_date(tomorrow.isoformat())
    assert (caught.value.code, caught.value.messages) == ("date_future", ["日期不能晚于今天"])


def test_past_date_accepts_today() -> None:
    today = timezone.localdate()
    assert past_date(today.strftime("%Y/%m/%d")) == today


def test_past_date_refuses_dates_before_1900() -> None:
    with pytest.raises(ValidationError) as caught:
        past_date("1899-12-31")
    assert caught.value.code == "date_invalid"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三", "张三"),
        (" 王 小明 ", "王 小明"),
        ("阿卜杜拉·买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉•买买提", "阿卜杜拉·买买提"),
        ("John Smith", "John Smith"),
        ("Ｌｉ Ｌｅｉ", "Li Lei"),
        ("欧" * 30, "欧" * 30),
    ],
)
def test_person_name_accepts_names(raw: str, expected: str) -> None:
    assert person_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("张", "name_length"),
        ("欧" * 31, "name_length"),
        ("张3", "name_chars"),
        ("张三(临时)", "name_chars"),
        ("=HYPERLINK(1)", "name_chars"),
    ],
)
def test_person_name_refuses_bad_names(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        person_name(raw)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("区县", Region.Level.COUNTY),
        ("county", Region.Level.COUNTY),
        ("县", Region.Level.COUNTY),
        (" 乡镇（街道） ", Region.Level.TOWNSHIP),
        ("乡镇(街道)", Region.Level.TOWNSHIP),
    ],
)
def test_choice_takes_label_code_or_alias(raw: str, expected: str) -> None:
    assert LEVEL(raw) == expected


def test_choice_refuses_other_values_listing_the_labels() -> None:
    with pytest.raises(ValidationError) as caught:
        LEVEL("地级市")
    assert caught.value.messages == ["应为以下之一：省、市、区县、乡镇（街道）"]


def test_choice_exposes_its_labels_for_dropdowns() -> None:
    assert RegionSheet().column("level").choices == ["省", "市", "区县", "乡镇（街道）"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("是", True), ("否", False), ("Y", True), ("n", False), (1.0, True), (0, False), (True, True)],
)
def test_yes_no(raw: Any, expected: bool) -> None:
    assert yes_no(raw) is expected


def test_yes_no_refuses_other_text() -> None:
    with pytest.raises(ValidationError) as caught:
        yes_no("可能")
    assert caught.value.code == "yes_no"


def test_whole_number_takes_thousands_separators_and_excel_floats() -> None:
    parse = whole_number(0, 10_000)
    assert (parse("1,234"), parse(12.0)) == (1234, 12)


def test_whole_number_refuses_numbers_out_of_range() -> None:
    with pytest.raises(ValidationError) as caught:
        whole_number(0, 10_000)("12000")
    assert caught.value.messages == ["应在0到10000之间"]


# --- Writer ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_neutralise_prefixes_formula_starts(raw: str) -> None:
    assert neutralise(raw) == "'" + raw


@pytest.mark.parametrize("raw", ["1+1", "a=b", "张三", "", 5, -5, None])
def test_neutralise_leaves_other_values(raw: Any) -> None:
    assert neutralise(raw) == raw


def read_rows(path: Path) -> list[list[Any]]:
    return list(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())


def test_export_writes_formula_text_as_neutralised_text(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    count = write_export(RegionSheet(), path, [["=1+1", "@cmd", "-2", date(2023, 6, 1), 42, True]])
    rows = read_rows(path)
    assert count == 1
    assert rows[0][:5] == ["区划代码", "名称", "层级", "设立日期", "备注"]
    assert rows[1] == ["'=1+1", "'@cmd", "'-2", date(2023, 6, 1), 42.0, "是"]


def test_export_contains_no_formulas(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_export(RegionSheet(), path, [["=1+1", "+A1"]])
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    assert [c.data_type for c in ws[2][:2]] == ["s", "s"]


def test_export_uses_the_sheet_rows_by_default(tmp_path: Path) -> None:
    Region.objects.create(code="330502", name="吴兴区", level=Region.Level.COUNTY)
    path = tmp_path / "out.xlsx"
    assert write_export(RegionSheet(), path) == 1
    assert read_rows(path)[1][:3] == ["330502", "吴兴区", "区县"]


def test_template_has_the_headers_on_row_2_with_required_marked(tmp_path: Path) -> None:
    path = write_template(RegionSheet(), tmp_path / "template.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    assert [c.value for c in ws[2]] == ["区划代码 *", "名称 *", "层级", "设立日期", "备注"]
    assert "测试区划" in str(ws["A1"].value)
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}


def test_template_has_a_dropdown_for_coded_columns(tmp_path: Path) -> None:
    path = write_template(RegionSheet(), tmp_path / "template.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    validations = ws.data_validations.dataValidation
    assert [(v.type, str(v.sqref)) for v in validations] == [("list", "C3:C100001")]
    assert validations[0].formula1 == '"省,市,区县,乡镇（街道）"'


def test_filled_template_imports_with_data_from_row_3(tmp_path: Path) -> None:
    path = write_template(RegionSheet(), tmp_path / "template.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book.active
    assert ws is not None
    ws.append(["330502", "吴兴区", "区县"])
    ws.append(["330503", None, "区县"])
    book.save(path)
    report = run(path, dry_run=True)
    assert (report.header_row, errors(report)) == (2, [(4, "名称", "名称不能为空")])


def test_error_workbook_has_the_bad_rows_and_their_reasons(tmp_path: Path) -> None:
    source = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["区划表"],
            HEADERS,
            ["330502", "吴兴区", "区县"],
            ["330503", "", "地级"],
            ["330504", "新区", ""],
            ["330502", "=1+1", ""],
        ],
    )
    report = run(source, dry_run=True)
    path = write_error_workbook(RegionSheet(), report, source, tmp_path / "errors.xlsx")
    assert read_rows(path) == [
        ["原行号", "区划代码", "名称", "层级", "错误原因"],
        [4.0, "330503", "", "地级", "名称不能为空；层级：应为以下之一：省、市、区县、乡镇（街道）"],
        [6.0, "330502", "'=1+1", "", "与第 3 行重复"],
    ]


def test_error_workbook_keeps_the_reason_under_its_header_for_long_csv_lines(
    tmp_path: Path,
) -> None:
    source = tmp_path / "r.csv"
    source.write_text("区划代码,名称\n330502,,多余1,多余2\n", encoding="utf-8")
    report = run(source, dry_run=True)
    path = write_error_workbook(RegionSheet(), report, source, tmp_path / "errors.xlsx")
    assert read_rows(path) == [
        ["原行号", "区划代码", "名称", "错误原因"],
        [2.0, "330502", "", "名称不能为空"],
    ]


def test_report_as_dict_has_the_documented_keys(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [HEADERS, ["330502", ""]])
    assert run(path, dry_run=True).as_dict() == {
        "sheet": "test-regions",
        "rows": 1,
        "valid": 0,
        "invalid": 1,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "worksheet": "Sheet1",
        "header_row": 1,
        "errors": [{"row": 2, "column": "名称", "message": "名称不能为空"}],
    }


def test_csv_quoted_cell_with_a_comma_is_one_cell(tmp_path: Path) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, ["330502", "吴兴区,湖州", "区县"]])
    path = tmp_path / "r.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    run(path)
    assert Region.objects.get(code="330502").name == "吴兴区,湖州"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-06-01 00:00:00", date(2023, 6, 1)),
        ("2023/6/1 8:30", date(2023, 6, 1)),
        ("45078", date(2023, 6, 1)),
    ],
)
def test_parse_date_accepts_csv_forms_of_excel_dates(raw: str, expected: date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("𠮷野家", "𠮷野家"), ("阿依古丽・买买提", "阿依古丽·买买提"), ("王〇", "王〇")],
)
def test_person_name_accepts_rare_characters_and_other_middle_dots(raw: str, expected: str) -> None:
    assert person_name(raw) == expected


@pytest.mark.parametrize("raw", [" =1+1", "＝SUM(A1)", "  @cmd"])
def test_neutralise_looks_through_spaces_and_full_width_signs(raw: str) -> None:
    assert neutralise(raw) == "'" + raw
