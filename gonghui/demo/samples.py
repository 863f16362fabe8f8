"""Sample import workbooks in var/samples/, with a known set of bad rows.

The people and enterprises in them are new at every scale: their ID numbers use sequence
numbers the generator never gives (people.SAMPLE_SEQUENCES) and their credit codes a
stream of their own. Members point at the first unions of a township, which every scale
creates (plan.first_unions). The bad rows and their kinds go to manifest.json.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from django.utils import timezone

from gonghui.core import pii
from gonghui.demo import people
from gonghui.demo.plan import (
    DATA_END,
    DATA_START,
    EnterpriseStream,
    Township,
    UnionPlan,
    date_between,
    first_unions,
)
from gonghui.members.models import EmploymentForm, Occupation, SkillGrade

MEMBER_HEADERS = (
    "姓名", "身份证号", "手机号码", "工作单位", "统一社会信用代码", "就业形态", "职业",
    "技能等级", "所属工会", "入会日期",
)  # fmt: skip
ENTERPRISE_HEADERS = (
    "企业名称", "统一社会信用代码", "所在乡镇（街道）", "行业", "职工人数", "规上企业",
    "产改试点企业", "新业态头部企业",
)  # fmt: skip
MEMBER_BAD_KINDS = (
    "id_check",  # wrong check digit
    "id_birth_date",  # 30 February
    "phone_short",  # two digits
    "name_digits",
    "occupation_missing",  # 新就业形态 without 职业
    "join_future",
    "union_unknown",
    "id_repeat_15",  # an earlier row's number again, in its 15-digit form
)
ENTERPRISE_BAD_KINDS = ("uscc_check", "employees_negative", "township_unknown")
UNKNOWN_TOWNSHIPS = ("青山镇", "白鹭镇", "桃源乡", "云岭街道")
FORMS = dict(EmploymentForm.choices)
OCCUPATIONS = dict(Occupation.choices)
GRADES = dict(SkillGrade.choices)

Row = list[Any]


@dataclass
class SampleFile:
    path: Path
    rows: int  # data rows
    bad_rows: dict[int, str] = field(default_factory=dict)  # row number as shown -> kind


class _People:
    """New people for member rows, unique across all sample files of one run."""

    def __init__(self, township: Township, unions: list[UnionPlan], seed: int) -> None:
        self.rng = random.Random(f"{seed}:samples:members")
        self.t = township
        self.standard = [u for u in unions if not u.platform]
        self.platforms = [u for u in unions if u.platform]
        self.used: set[str] = set()
        self.latest = min(DATA_END, timezone.localdate())

    def row(self, *, gbk: bool = False) -> tuple[Row, date]:
        rng = self.rng
        new_form = bool(self.platforms) and rng.random() < 0.1
        union = rng.choice(self.platforms if new_form else self.standard)
        employer = union.enterprises[0]
        occupation = employer.platform_occupation if new_form else ""
        male = rng.random() < (0.9 if new_form else 0.56)
        while True:
            born = people.birth_date(rng, young=new_form)
            region = people.home_region(
                rng, self.t.county_code, self.t.city_counties, migrant_share=0.25
            )
            id18 = people.sample_id_number(rng, region=region, born=born, male=male)
            name = people.person_name(rng, male)
            if id18 not in self.used and (not gbk or _gbk_safe(name)):
                break
        self.used.add(id18)
        earliest = max(DATA_START, union.established_on, born.replace(year=born.year + 18, day=1))
        joined = date_between(rng, min(earliest, self.latest), self.latest, skew=0.7)
        grade = GRADES[rng.choice((5, 5, 5, 4, 4, 3, 2, 1))] if rng.random() < 0.4 else ""
        row: Row = [
            name,
            id18,
            people.phone(rng),
            employer.name,
            employer.uscc,
            FORMS[EmploymentForm.NEW_FORM if new_form else EmploymentForm.STANDARD],
            OCCUPATIONS[occupation] if occupation else "",
            grade,
            union.code,
            joined,
        ]
        return row, born


def _gbk_safe(text: str) -> bool:
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def _spoil_member(row: Row, kind: str, rng: random.Random, township: Township) -> None:
    """Give a good row exactly one fault of ``kind`` (id_repeat_15 is done by the caller)."""
    if kind == "id_check":
        first17, check = row[1][:17], row[1][17]
        row[1] = first17 + next(c for c in "0123456789X" if c != check)
    elif kind == "id_birth_date":
        first17 = f"{row[1][:6]}{rng.randint(1970, 1999)}0230{row[1][14:17]}"
        row[1] = first17 + pii.id_number_check_char(first17)
    elif kind == "phone_short":
        row[2] = str(rng.randint(10, 99))
    elif kind == "name_digits":
        row[0] = f"{row[0]}{rng.randint(1, 9)}"
    elif kind == "occupation_missing":
        row[5] = FORMS[EmploymentForm.NEW_FORM]
        row[6] = ""
    elif kind == "join_future":
        # A year ahead: still in the future whenever the file is imported this year.
        row[9] = date(timezone.localdate().year + 1, rng.randint(1, 12), rng.randint(1, 28))
    elif kind == "union_unknown":
        row[8] = f"{township.code}9999"


def _member_rows(
    source: _People, count: int, bad: int, seed: int, first_row: int
) -> tuple[list[Row], dict[int, str]]:
    rng = random.Random(f"{seed}:samples:faults:{first_row}:{count}")
    rows: list[Row] = []
    births: list[date] = []
    for _ in range(count):
        row, born = source.row()
        rows.append(row)
        births.append(born)
    positions = sorted(rng.sample(range(20, count), bad)) if bad else []
    bad_rows: dict[int, str] = {}
    spoiled = set(positions)
    for n, index in enumerate(positions):
        kind = MEMBER_BAD_KINDS[n % len(MEMBER_BAD_KINDS)]
        if kind == "id_repeat_15":
            # Repeat a good row born in the 1900s: only those had 15-digit numbers.
            earlier = [i for i in range(index) if i not in spoiled and births[i].year < 2000]
            source_id = rows[rng.choice(earlier)][1]
            rows[index][1] = source_id[:6] + source_id[8:17]
        else:
            _spoil_member(rows[index], kind, rng, source.t)
        bad_rows[first_row + index] = kind
    return rows, bad_rows


def _write_xlsx(path: Path, headers: tuple[str, ...], rows: list[Row], title: str = "") -> None:
    """Write rows under a header; with a title, a merged title row and a merged note row
    come first (data then starts on row 4, else on row 2), as rosters kept by hand have."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Sheet1")
    bold = workbook.add_format({"bold": True, "align": "center", "font_size": 14})
    header_format = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    last_col = len(headers) - 1
    r = 0
    if title:
        sheet.merge_range(0, 0, 0, last_col, title, bold)
        sheet.merge_range(
            1, 0, 1, last_col, "填报单位（盖章）：            填报日期：2023年6月30日", None
        )
        r = 2
    sheet.write_row(r, 0, headers, header_format)
    for c, header in enumerate(headers):
        sheet.set_column(c, c, max(10, len(header) * 2 + 4))
    for row in rows:
        r += 1
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(
                    r, c, datetime(value.year, value.month, value.day), date_format
                )
            elif isinstance(value, str):
                # Text, so that ID numbers and codes keep their digits.
                sheet.write_string(r, c, value)
            else:
                sheet.write(r, c, value)
    workbook.close()


def _write_gbk_csv(path: Path, rows: list[Row]) -> None:
    with path.open("w", encoding="gbk", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(MEMBER_HEADERS)
        for row in rows:
            joined: date = row[9]
            writer.writerow([*row[:9], f"{joined.year}/{joined.month}/{joined.day}"])


def _enterprise_rows(
    townships: list[Township], count: int, bad: int, seed: int
) -> tuple[list[Row], dict[int, str]]:
    rng = random.Random(f"{seed}:samples:enterprises")
    county = townships[0].county_code
    in_county = [t for t in townships if t.county_code == county]
    streams = {
        t.code: EnterpriseStream(
            t,
            seed,
            key="samples",
            uscc_stream=people.SAMPLE_USCC_STREAM + t.position,
            sample=True,
        )
        for t in in_county
    }
    # Past the fixed first enterprises, whose kinds are the generator's own business.
    next_index = dict.fromkeys(streams, 3)
    rows: list[Row] = []
    yes_no = ("否", "是")
    for _ in range(count):
        township = rng.choice(in_county)
        e = streams[township.code].enterprise(next_index[township.code])
        next_index[township.code] += 1
        rows.append(
            [
                e.name,
                e.uscc,
                township.name,
                e.industry,
                e.employee_count,
                yes_no[e.is_above_scale],
                yes_no[e.is_reform_pilot],
                yes_no[e.is_platform_lead],
            ]
        )
    names = {t.name for t in townships}
    unknown = [n for n in UNKNOWN_TOWNSHIPS if n not in names]
    bad_rows: dict[int, str] = {}
    for n, index in enumerate(sorted(rng.sample(range(5, count), bad))):
        kind = ENTERPRISE_BAD_KINDS[n % len(ENTERPRISE_BAD_KINDS)]
        row = rows[index]
        if kind == "uscc_check":
            row[1] = row[1][:17] + next(c for c in "0123456789ABCDEFGH" if c != row[1][17])
        elif kind == "employees_negative":
            row[4] = -rng.randint(1, 50)
        else:
            row[2] = rng.choice(unknown)
        bad_rows[2 + index] = kind
    return rows, bad_rows


def samples_write(*, townships: list[Township], seed: int, out_dir: Path) -> list[SampleFile]:
    """Write the member and enterprise samples for the first township of the first county
    (月河街道 of 吴兴区 in Huzhou) and that county."""
    out_dir.mkdir(parents=True, exist_ok=True)
    township = townships[0]
    unions = first_unions(township, seed=seed)
    source = _People(township, unions, seed)
    files: list[SampleFile] = []

    path = out_dir / "members_sample.xlsx"
    rows, bad = _member_rows(source, 2000, 60, seed, first_row=4)
    title = f"{township.name}工会会员名册"
    _write_xlsx(path, MEMBER_HEADERS, rows, title=title)
    files.append(SampleFile(path, len(rows), bad))

    path = out_dir / "members_sample_gbk.csv"
    rows = [source.row(gbk=True)[0] for _ in range(200)]
    _write_gbk_csv(path, rows)
    files.append(SampleFile(path, len(rows)))

    path = out_dir / "members_sample_clean.xlsx"
    rows = [source.row()[0] for _ in range(500)]
    _write_xlsx(path, MEMBER_HEADERS, rows)
    files.append(SampleFile(path, len(rows)))

    path = out_dir / "enterprises_sample.xlsx"
    rows, bad = _enterprise_rows(townships, 300, 9, seed)
    _write_xlsx(path, ENTERPRISE_HEADERS, rows)
    files.append(SampleFile(path, len(rows), bad))

    manifest = {
        "seed": seed,
        "import_into": {"members": township.code, "enterprises": township.county_code},
        "files": {
            f.path.name: {"rows": f.rows, "bad_rows": {str(k): v for k, v in f.bad_rows.items()}}
            for f in files
        },
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return files
