"""Workbooks made to hurt the reader: two cells far apart (a 6 KB file that asked calamine
for a 512 GiB grid and aborted the worker), a huge declared dimension, a cell far to the
right, a row far down, and many empty rows. What passes the extent check is parsed in a
child process with capped memory, so a file that still breaks the parser fails its job.

The cases that would crash a process run in a subprocess of their own, bounded in memory
and time, so a regression fails this test instead of killing the suite.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from gonghui.core.sheets.reader import UploadLimits
from gonghui.core.tests.test_sheets import LIMITS, region_codes, run

pytestmark = pytest.mark.django_db

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def sparse_xlsx(
    path: Path, cells: dict[str, str], *, dimension: str | None = None, quote: str = '"'
) -> Path:
    """A workbook written by hand: only the cells given, as inline strings, in row order."""
    rows: dict[int, list[str]] = {}
    for ref, value in cells.items():
        row = int("".join(ch for ch in ref if ch.isdigit()))
        rows.setdefault(row, []).append(
            f"<c r={quote}{ref}{quote} t={quote}inlineStr{quote}><is><t>{value}</t></is></c>"
        )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + "<sheetData>"
        + "".join(f"<row r={quote}{n}{quote}>{''.join(cs)}</row>" for n, cs in sorted(rows.items()))
        + "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


HEADER = {"A1": "区划代码", "B1": "名称"}


def refused(path: Path) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        run(path)
    return exc.value


def test_two_cells_far_apart_are_refused_before_parsing(tmp_path: Path) -> None:
    path = sparse_xlsx(tmp_path / "sparse.xlsx", {**HEADER, "XFD1048576": "x"})
    assert path.stat().st_size < 6 * 1024
    error = refused(path)
    assert error.code == "file_extent"
    assert "第 1048576 行" in error.message
    assert region_codes() == []


def test_a_huge_declared_dimension_is_refused(tmp_path: Path) -> None:
    path = sparse_xlsx(tmp_path / "declared.xlsx", HEADER, dimension="A1:XFD1048576")
    assert refused(path).code == "file_extent"


def test_a_cell_far_to_the_right_is_refused(tmp_path: Path) -> None:
    path = sparse_xlsx(tmp_path / "right.xlsx", {**HEADER, "XFD1": "x"})
    error = refused(path)
    assert (error.code, "256 列" in error.message) == ("file_extent", True)


def test_a_row_far_down_in_single_quotes_is_refused(tmp_path: Path) -> None:
    path = sparse_xlsx(tmp_path / "down.xlsx", {**HEADER, "A2000000": "x"}, quote="'")
    assert refused(path).code == "file_extent"


def test_many_empty_rows_within_the_limits_import(tmp_path: Path) -> None:
    cells = {**HEADER, "A150000": "330502", "B150000": "吴兴区"}
    report = run(sparse_xlsx(tmp_path / "gaps.xlsx", cells), limits=UploadLimits.from_settings())
    assert (report.created, report.errors) == (1, [])
    assert region_codes() == ["330502"]


def test_the_limits_follow_the_settings(tmp_path: Path) -> None:
    path = sparse_xlsx(tmp_path / "wide.xlsx", {**HEADER, "AB2": "x"})
    narrow = type(LIMITS)(**{**LIMITS.__dict__, "max_columns": 20})
    with pytest.raises(ValidationError) as exc:
        run(path, limits=narrow)
    assert exc.value.code == "file_extent"


CRASH_SCRIPT = """
import json, os, sys
import django
django.setup()
from django.core.exceptions import ValidationError
from gonghui.core.sheets.reader import iter_worksheets
try:
    for worksheet in iter_worksheets(__import__("pathlib").Path(sys.argv[1]), "xlsx"):
        for _ in worksheet.rows:
            pass
    print(json.dumps({"outcome": "read"}))
except ValidationError as exc:
    print(json.dumps({"outcome": "refused", "code": exc.code, "message": exc.message}))
"""


def _bounded() -> None:
    limit = 3 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_a_file_that_breaks_the_parser_fails_with_a_reason_not_a_crash(tmp_path: Path) -> None:
    """Past the extent check (limits raised here), calamine asks for a 512 GiB grid: the
    child parser dies, and the process reading through it gets a reason and lives on."""
    path = sparse_xlsx(tmp_path / "sparse.xlsx", {**HEADER, "XFD1048576": "x"})
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "GONGHUI_IMPORT_PARSE_MEMORY_MB": "512",
    }
    done = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, str(path)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_bounded,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["outcome"] == "refused"
    assert outcome["code"] == "file_too_complex"
    assert "超出了资源上限" in outcome["message"]
