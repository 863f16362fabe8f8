"""The half-year report and the quarterly showcase, read back against the registry.

``build_records`` makes a small 2023 for the test world, every figure counted by hand:

* unions founded in 2023-H1: 吴兴 3 (月河 03-10 via a 区域联建 task, 月河 06-30, 织里 05-01),
  南浔 1 (02-01, covering a lead platform enterprise); outside: 07-01 and 2022-12-31.
  So 4 formed (单独组建 3, 区域联建 1; Q2: 2), 1 for new-form workers, 1 task closed, 2
  tasks open at June's end; 4 above-scale enterprises of which 2 covered: 50%.
* members: 吴兴 joined 01-15, 04-20 (courier), 06-30 (delivery rider); 南浔 05-05
  (courier); a 2022 member still in, a 2022 member who left 03-01; one joining 07-01.
  So 4 new (吴兴 3; Q2: 3), 3 new-form (快递员 2, 网约送餐员 1), 5 at June's end, 1 left.
* mutual aid: 3 enrolled; claims paid 03-15 (12,345.67), 05-20 (2,000.00) in 吴兴 and
  06-30 (654.83) in 南浔, i.e. 15,000.50 yuan (1.5万余元; 吴兴 14,345.67, 1.43万余元) and
  3 person-times; one paid 07-01 and one 2022-12-31 outside. Relief: 3,000.00 paid 04-30.
  Days from submission to payment: 14, 10, 10 and 20: median 12.
* targets for 2023: 新发展会员 8 (city: 50% = expected, green), 新建工会 吴兴 6 + 南浔 4
  (city 10, 40%: 10 points behind, yellow), 互助金 100,000 yuan (15%: red).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from gonghui.aid.tests.factories import (
    ApprovedClaimFactory,
    EnrollmentFactory,
    PlanFactory,
    ReliefApplicationFactory,
)
from gonghui.conftest import World
from gonghui.core import formatting
from gonghui.core.indicators import registry
from gonghui.core.indicators.periods import Period, expected_progress
from gonghui.core.indicators.registry import (
    Indicator,
    Section,
    Tree,
    indicator_get,
    indicator_values,
    indicators,
)
from gonghui.core.indicators.writing import Piece, Writer, sentence
from gonghui.core.pii import uscc_compose
from gonghui.core.workflow import State
from gonghui.members.models import EmploymentForm, Member, Occupation
from gonghui.members.tests.factories import MemberFactory
from gonghui.orgs.models import Enterprise, FormationMode, FormationTask, Region, Union
from gonghui.orgs.tests.factories import UnionFactory
from gonghui.reports import narrative as narrative_module
from gonghui.reports.docx_writer import docx_text, narrative_docx
from gonghui.reports.models import Target
from gonghui.reports.narrative import (
    Figure,
    Narrative,
    annual_summary,
    half_year_report,
    quarter_showcase,
)
from gonghui.reports.targets import targets_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
_uscc = iter(range(1, 1000))


def _enterprise(owner: Union, name: str, **fields: object) -> Enterprise:
    region, _ = Region.objects.get_or_create(
        code="330502001", defaults={"name": "月河街道", "level": Region.Level.TOWNSHIP}
    )
    return Enterprise.objects.create(
        name=name,
        uscc=uscc_compose(f"91330500MA2B{next(_uscc):05d}"),
        region=region,
        owner_union=owner,
        **fields,
    )


def _union(parent: Union, code: str, founded: date, **fields: object) -> Union:
    return UnionFactory.create(
        parent=parent, code=code, name=f"测试工会{code}", established_on=founded, **fields
    )


def _member(union: Union, joined: date, **fields: object) -> Member:
    return MemberFactory.create(union=union, join_date=joined, **fields)


def _paid_claim(member: Member, amount: str, submitted: date, paid: date) -> None:
    ApprovedClaimFactory.create(
        member=member,
        amount=Decimal(amount),
        state=State.PAID,
        paid_on=paid,
        submitted_at=datetime(submitted.year, submitted.month, submitted.day, 10, tzinfo=SHANGHAI),
    )


def build_records(world: World) -> None:
    """The records of the module docstring (2023 in the test world)."""
    # Unions and the 应建未建 worklist.
    regional = _union(world.yuehe, "3305020010002", date(2023, 3, 10), kind=Union.Kind.JOINT)
    _union(world.yuehe, "3305020010003", date(2023, 6, 30))
    _union(world.zhili, "3305021000001", date(2023, 5, 1))
    platform_union = _union(world.nanxun_town, "3305031000002", date(2023, 2, 1))
    _union(world.zhili, "3305021000002", date(2023, 7, 1))
    _union(world.nanxun_town, "3305031000003", date(2022, 12, 31))
    FormationTask.objects.create(
        enterprise=_enterprise(world.yuehe, "月河联建企业"),
        township_union=world.yuehe,
        opened_on=date(2022, 10, 1),
        status=FormationTask.Status.CLOSED,
        closed_on=date(2023, 3, 10),
        formed_union=regional,
        formation_mode=FormationMode.REGIONAL_JOINT,
    )
    for township, opened in (
        (world.zhili, date(2023, 1, 5)),
        (world.nanxun_town, date(2023, 4, 1)),
    ):
        FormationTask.objects.create(
            enterprise=_enterprise(township, f"未建会企业{opened:%m%d}"),
            township_union=township,
            opened_on=opened,
        )
    _enterprise(world.yuehe, "规上一", is_above_scale=True, union=world.wuxing_grassroots)
    _enterprise(world.zhili, "规上二", is_above_scale=True)
    _enterprise(
        world.nanxun_town,
        "规上三",
        is_above_scale=True,
        is_platform_lead=True,
        union=platform_union,
    )
    _enterprise(world.nanxun_town, "规上四", is_above_scale=True)

    # Members.
    new_form = {"employment_form": EmploymentForm.NEW_FORM}
    january = _member(world.wuxing_grassroots, date(2023, 1, 15))
    april = _member(
        world.wuxing_grassroots, date(2023, 4, 20), occupation=Occupation.COURIER, **new_form
    )
    _member(
        world.wuxing_grassroots, date(2023, 6, 30), occupation=Occupation.DELIVERY_RIDER, **new_form
    )
    nanxun = _member(
        world.nanxun_grassroots, date(2023, 5, 5), occupation=Occupation.COURIER, **new_form
    )
    old = _member(world.wuxing_grassroots, date(2022, 3, 1))
    _member(
        world.wuxing_grassroots,
        date(2022, 3, 1),
        left_on=date(2023, 3, 1),
        status=Member.Status.LEFT,
    )
    _member(world.nanxun_grassroots, date(2023, 7, 1))

    # Mutual aid and relief.
    plan = PlanFactory.create(union=world.city)
    for member in (old, january, nanxun):
        EnrollmentFactory.create(plan=plan, member=member, enrolled_on=date(2023, 1, 1))
    _paid_claim(old, "12345.67", date(2023, 3, 1), date(2023, 3, 15))
    _paid_claim(january, "2000.00", date(2023, 5, 10), date(2023, 5, 20))
    _paid_claim(nanxun, "654.83", date(2023, 6, 20), date(2023, 6, 30))
    _paid_claim(january, "999.00", date(2023, 6, 20), date(2023, 7, 1))
    _paid_claim(old, "888.00", date(2022, 12, 1), date(2022, 12, 31))
    ReliefApplicationFactory.create(
        member=april,
        amount=Decimal("3000.00"),
        state=State.PAID,
        paid_on=date(2023, 4, 30),
        submitted_at=datetime(2023, 4, 10, 9, tzinfo=SHANGHAI),
    )

    # Targets.
    Target.objects.create(indicator="members_new", year=2023, union=world.city, value=8)
    Target.objects.create(indicator="unions_formed", year=2023, union=world.wuxing, value=6)
    Target.objects.create(indicator="unions_formed", year=2023, union=world.nanxun, value=4)
    Target.objects.create(
        indicator="mutual_aid_paid_amount", year=2023, union=world.city, value=100000
    )


@pytest.fixture
def records(world: World) -> World:
    build_records(world)
    return world


CITY_H1 = [
    "上半年，全市新建工会组织4家，其中单独组建3家、区域联建1家，各区县中吴兴区最多（3家）；"
    "新就业形态领域新建工会1家。推进应建未建企业建会销号，上半年销号1家，截至6月底尚有2家未销号。"
    "截至6月底，全市规上企业4家，已建会2家，建会率50%。",
    "上半年，全市新发展会员4人，各区县中吴兴区最多（3人）；"
    "其中新就业形态劳动者3人（快递员2人、网约送餐员1人）。截至6月底，全市共有会员5人。"
    "上半年，会员退会1人。",
    "截至6月底，全市参加职工医疗互助3人。上半年，全市发放职工医疗互助金1.5万余元，"
    "各区县中吴兴区最多（1.43万余元），惠及职工3人次；发放会员大病救助金3000元，救助1人次。"
    "上半年发放的互助金和救助金，从提交申请到发放用时的中位数为12天。",
]


def test_half_year_report_reads_like_the_seed(records: World) -> None:
    report = half_year_report(union=records.city, year=2023)
    assert report.title == "湖州市总工会2023年上半年工作情况汇报"
    assert [p.heading for p in report.paragraphs] == [
        "一、组织建设",
        "二、会员发展",
        "三、服务保障",
    ]
    assert [p.text for p in report.paragraphs] == CITY_H1
    assert report.table_heading == "四、主要指标完成情况"


def _registry_value(figure: Figure, union: Union, year: int, month: int) -> Decimal | None:
    """The figure's number, asked of the registry afresh."""
    indicator = indicator_get(figure.key)
    if figure.measure == "part":
        assert indicator.breakdown is not None
        return Decimal(indicator.breakdown(union.path, figure.period)[figure.part])
    if figure.measure == "expected":
        return expected_progress(month).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    target = targets_for(Tree.of(union), year, [figure.key]).get(figure.key, {}).get(None)
    if figure.measure == "target":
        return target
    if figure.measure == "change":
        now, before = indicator_values(indicator, union, [figure.period, figure.period.last_year()])
        if indicator.unit == "%":  # a rate's change is the difference, in points
            if now.total is None or before.total is None:
                return None
            return (now.total - before.total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if now.total is None or not before.total:
            return None
        change = (now.total - before.total) * 100 / before.total
        return change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    values = indicator_values(indicator, union, [figure.period])[0]
    value = values.total if figure.union is None else values.by_child[figure.union]
    if figure.measure == "completion":
        if value is None or not target:
            return None
        return (value * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return value


def _written(figure: Figure) -> str:
    unit = indicator_get(figure.key).unit
    if figure.form == "prose":
        return formatting.write(figure.value, unit)
    if figure.measure in ("completion", "expected"):
        return formatting.percent_cell(figure.value)
    if figure.measure == "change":
        return formatting.change_signed(figure.value, unit)
    return formatting.cell(figure.value, unit)


def _check_every_figure(report: Narrative, text: str, month: int) -> None:
    figures = report.figures()
    assert figures
    for figure in figures:
        expected = _registry_value(figure, report.union, report.year, month)
        assert figure.value == expected, figure
        assert figure.written == _written(figure), figure
        assert figure.written in text, figure


# Digits a report may hold outside its figures: the year, "6月底", "1—6月", the time.
DATE_WORDS = re.compile(r"\d{4}年|\d{1,2}月底|1—\d{1,2}月|\d{1,2}月\d{1,2}日|\d{1,2}:\d{2}")


def _text_pieces(report: Narrative) -> list[str]:
    pieces = [report.title, report.as_of_line, report.lead, report.table_heading, report.note]
    pieces += [p for para in report.paragraphs for p in para.pieces if isinstance(p, str)]
    pieces += report.table_header
    pieces += [g.section for g in report.table_groups]
    pieces += [r.label for g in report.table_groups for r in g.rows]
    return pieces


def test_every_number_in_the_docx_is_the_registrys_value(records: World) -> None:
    report = half_year_report(union=records.city, year=2023)
    text = docx_text(narrative_docx(report))
    # The document holds the report's words and nothing else: its paragraphs, then the
    # table's cells row by row (a section's row is one merged cell).
    cells = list(report.table_header)
    for group in report.table_groups:
        cells.append(group.section)
        for row in group.rows:
            cells += [row.label, row.unit, *(f.written for f in row.cells), row.light_label]
    assert text.split("\n") == [
        report.title,
        report.lead,
        *(line for p in report.paragraphs for line in (p.heading, p.text)),
        report.table_heading,
        report.note,
        # 落款 after an empty line, then the time of the figures as a note (附注).
        "",
        report.union.name,
        report.signed_line,
        f"（{report.as_of_line}）",
        *cells,
    ]
    _check_every_figure(report, text, month=6)
    # Outside the figures, the only digits are those of dates.
    for piece in _text_pieces(report):
        assert not re.search(r"\d", DATE_WORDS.sub("", piece)), piece


def test_the_figures_are_the_hand_counted_values(records: World) -> None:
    report = half_year_report(union=records.city, year=2023)
    prose = {
        (f.key, f.union, f.part): f.value
        for p in report.paragraphs
        for f in p.figures
        if f.measure in ("value", "part")
    }
    assert prose[("unions_formed", None, "")] == 4
    assert prose[("unions_formed", "330502", "")] == 3
    assert prose[("unions_formed", None, "区域联建")] == 1
    assert prose[("members_new_new_form", None, "快递员")] == 2
    assert prose[("members_end", None, "")] == 5
    assert prose[("mutual_aid_paid_amount", None, "")] == Decimal("15000.50")
    assert prose[("mutual_aid_paid_amount", "330502", "")] == Decimal("14345.67")
    assert prose[("aid_days_to_payment", None, "")] == Decimal("12.0")


def _row(report: Narrative, key: str) -> list[str]:
    for group in report.table_groups:
        for row in group.rows:
            if row.cells[0].key == key:
                return [row.label, row.unit, *(c.written for c in row.cells), row.light_label]
    raise KeyError(key)


def test_the_table_sets_each_indicator_against_its_target(records: World) -> None:
    report = half_year_report(union=records.city, year=2023)
    assert report.table_header == [
        "指标",
        "单位",
        "年度目标",
        "1—6月累计",
        "完成率",
        "序时进度",
        "亮灯",
    ]
    assert _row(report, "members_new") == ["新发展会员", "人", "8", "4", "50.0%", "50.0%", "绿灯"]
    # The city's target is its counties' sum: 6 + 4.
    assert _row(report, "unions_formed") == ["新建工会", "家", "10", "4", "40.0%", "50.0%", "黄灯"]
    assert _row(report, "mutual_aid_paid_amount") == [
        "职工医疗互助金发放金额",
        "万元",
        "10.00",
        "1.50",
        "15.0%",
        "50.0%",
        "红灯",
    ]
    assert _row(report, "members_end") == ["期末会员数", "人", "—", "5", "—", "50.0%", "—"]
    assert [g.section for g in report.table_groups] == [
        "组织建设",
        "会员发展",
        "服务保障",
        "思想引领与职工文化",
        "就业帮扶与协作",
        "调研督导",
        "阵地建设",
        "技能提升",
        "能级工资与民主管理",
    ]
    assert sum(len(g.rows) for g in report.table_groups) == len(indicators())


def test_a_county_report_speaks_of_its_area_and_townships(records: World) -> None:
    report = half_year_report(union=records.wuxing, year=2023)
    assert report.title == "吴兴区总工会2023年上半年工作情况汇报"
    first = report.paragraphs[0].text
    assert first.startswith("上半年，全区新建工会组织3家，其中单独组建2家、区域联建1家，")
    assert "各乡镇（街道）中月河街道最多（2家）" in first
    assert "南浔" not in "".join(p.text for p in report.paragraphs)
    _check_every_figure(report, docx_text(narrative_docx(report)), month=6)


def test_details_with_nothing_to_tell_are_left_out(records: World) -> None:
    # 南浔: nothing closed on the worklist, nobody left, no relief paid, one township.
    report = half_year_report(union=records.nanxun, year=2023)
    assert [p.text for p in report.paragraphs] == [
        "上半年，全区新建工会组织1家，均为单独组建；新就业形态领域新建工会1家。"
        "推进应建未建企业建会销号，截至6月底尚有1家未销号。"
        "截至6月底，全区规上企业2家，已建会1家，建会率50%。",
        "上半年，全区新发展会员1人；其中新就业形态劳动者1人（快递员1人）。"
        "截至6月底，全区共有会员1人。",
        "截至6月底，全区参加职工医疗互助1人。上半年，全区发放职工医疗互助金654.83元，"
        "惠及职工1人次。上半年发放的互助金和救助金，从提交申请到发放用时的中位数为10天。",
    ]


def test_a_year_without_records_gives_its_lead_figures_and_no_dashes(records: World) -> None:
    report = half_year_report(union=records.nanxun, year=2024)
    text = "".join(p.text for p in report.paragraphs)
    assert text.startswith(
        "上半年，全区新建工会组织0家。推进应建未建企业建会销号，截至6月底尚有1家未销号。"
    )
    assert "上半年，全区新发展会员0人。截至6月底，全区共有会员2人。" in text
    assert text.endswith("截至6月底，全区参加职工医疗互助0人。上半年，全区发放职工医疗互助金0元。")
    assert "—" not in text


def test_the_quarterly_showcase_is_briefer_and_about_the_quarter(records: World) -> None:
    report = quarter_showcase(union=records.city, year=2023, quarter=2)
    assert report.title == "湖州市总工会2023年第二季度工作情况展示"
    assert report.period == Period.quarter(2023, 2)
    assert [p.text for p in report.paragraphs] == [
        "二季度，全市新建工会组织2家。截至6月底，全市规上企业建会率50%。",
        "二季度，全市新发展会员3人；其中新就业形态劳动者3人。截至6月底，全市共有会员5人。",
        "截至6月底，全市参加职工医疗互助3人。二季度，全市发放职工医疗互助金2654.83元，"
        "惠及职工2人次；发放会员大病救助金3000元，救助1人次。",
    ]
    assert report.table_header[2:5] == ["本季度", "年度目标", "1—6月累计"]
    assert _row(report, "members_new")[2:5] == ["3", "8", "4"]
    _check_every_figure(report, docx_text(narrative_docx(report)), month=6)


def test_the_first_quarter_counts_to_march(records: World) -> None:
    report = quarter_showcase(union=records.city, year=2023, quarter=1)
    assert report.paragraphs[1].text.startswith("一季度，全市新发展会员1人。截至3月底，")
    assert report.table_header[4] == "1—3月累计"
    assert _row(report, "members_new")[2:8] == ["1", "8", "1", "12.5%", "25.0%", "红灯"]


def test_a_section_without_indicators_is_left_out_and_a_new_one_gets_a_plain_sentence(
    records: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def activities(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return [{records.nanxun_grassroots.pk: 7} for _ in periods]

    lectures = Indicator(
        key="test_lectures",
        label="宣讲活动",
        unit="场次",
        section="会员发展",
        kind="flow",
        query=activities,
        order=99,
    )
    registered = [i for i in indicators() if i.section in ("组织建设", "会员发展")] + [lectures]
    monkeypatch.setattr(narrative_module, "indicators", lambda: registered)
    monkeypatch.setattr("gonghui.reports.dispatch.indicators", lambda: registered)
    report = half_year_report(union=records.city, year=2023)
    assert [p.heading for p in report.paragraphs] == ["一、组织建设", "二、会员发展"]
    assert report.paragraphs[1].text.endswith("上半年，全市宣讲活动7场次。")
    assert report.table_heading == "三、主要指标完成情况"
    assert [g.section for g in report.table_groups] == ["组织建设", "会员发展"]


def test_the_command_writes_the_half_year_docx(records: World, tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    call_command("report", "half-year", "--union", "3305", "--year", "2023", "-o", str(out))
    text = docx_text(out.read_bytes())
    assert text.startswith("湖州市总工会2023年上半年工作情况汇报\n现将2023年上半年")
    for paragraph in CITY_H1:
        assert paragraph in text


def test_the_annual_summary_sets_the_year_against_its_target_and_last_year(
    records: World,
) -> None:
    report = annual_summary(union=records.city, year=2023)
    assert report.title == "湖州市总工会2023年度工作总结"
    assert report.paragraphs[1].text.startswith("2023年，全市新发展会员5人，各区县中吴兴区最多")
    assert report.table_header == [
        "指标",
        "单位",
        "年度目标",
        "全年累计",
        "完成率",
        "上年",
        "同比",
        "亮灯",
    ]
    _check_every_figure(report, docx_text(narrative_docx(report)), month=12)


@pytest.mark.parametrize(
    ("args", "title"),
    [
        (["annual"], "湖州市总工会2023年度工作总结"),
        (["quarter", "--quarter", "2"], "湖州市总工会2023年第二季度工作情况展示"),
    ],
)
def test_the_command_writes_each_narrative(
    records: World, tmp_path: Path, args: list[str], title: str
) -> None:
    out = tmp_path / "report.docx"
    call_command("report", args[0], "--union", "3305", "--year", "2023", *args[1:], "-o", str(out))
    assert docx_text(out.read_bytes()).startswith(f"{title}\n现将2023年")


def test_the_annual_page_opens(records: World, client_as) -> None:
    page = client_as(records.city_admin).get("/reports/annual/?union=3305&year=2023")
    assert "湖州市总工会2023年度工作总结" in page.content.decode()


def test_the_command_refuses_an_unknown_union(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="没有代码为 9999 的工会"):
        call_command(
            "report", "half-year", "--union", "9999", "--year", "2023", "-o", str(tmp_path / "x")
        )


def test_a_section_an_app_registers_writes_its_own_paragraph_in_its_place(
    records: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lectures(path: str, periods: Sequence[Period]) -> list[dict[int, Any]]:
        return [{records.nanxun_grassroots.pk: 348} for _ in periods]

    def culture(w: Writer) -> list[Piece]:
        return sentence(f"{w.flow_time}，{w.area}", [w.clause("test_lectures", "开展宣讲")])

    monkeypatch.setitem(
        registry._SECTIONS,
        "职工文化",
        Section("职工文化", order=25, writer=culture, spoken=("test_lectures",)),
    )
    monkeypatch.setitem(
        registry._REGISTRY,
        "test_lectures",
        Indicator(
            key="test_lectures",
            label="宣讲活动",
            unit="场次",
            section="职工文化",
            kind="flow",
            query=lectures,
        ),
    )
    report = half_year_report(union=records.city, year=2023)
    assert [p.heading for p in report.paragraphs] == [
        "一、组织建设",
        "二、会员发展",
        "三、职工文化",
        "四、服务保障",
    ]
    assert report.paragraphs[2].text == "上半年，全市开展宣讲348场次。"
