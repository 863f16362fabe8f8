"""The dispatch pages: the table and the children's ranking on screen (the same numbers as
`gonghui report dispatch --json`), the .xlsx download, the drill-down to child unions and to
masked records, freshness, scoping, and a query count that does not grow with the tree."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.conftest import World
from gonghui.core import pii
from gonghui.core.indicators.facts import facts_drain
from gonghui.core.models import AuditEvent
from gonghui.members.tests.factories import MemberFactory, id_number_for
from gonghui.orgs.models import Union
from gonghui.orgs.tests.factories import UnionFactory
from gonghui.reports.tests.test_dispatch import FIRST_ID, dispatch_world

PAGE = "/reports/dispatch/"
EXPORT = "/reports/dispatch/export/"
VOID = {"input", "br", "img", "meta", "link", "hr", "col", "source", "wbr"}


class Cells(HTMLParser):
    """The text of every element marked ``data-col``, keyed by (the table's data-testid,
    the row's data-key, the cell's data-child or None, the column)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.cells: dict[tuple[str | None, str | None, str | None, str | None], str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append((tag, dict(attrs), []))

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.stack[-1][2].append(data)

    def _nearest(self, name: str) -> str | None:
        return next((a[name] for _, a, _ in reversed(self.stack) if name in a), None)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, attrs, text = self.stack[-1]
            if "data-col" in attrs:
                key = (
                    self._nearest("data-testid"),
                    self._nearest("data-key"),
                    self._nearest("data-child"),
                    attrs["data-col"],
                )
                self.cells[key] = " ".join("".join(text).split())
            self.stack.pop()
            if self.stack:
                self.stack[-1][2].extend(text)
            if name == tag:
                break


def cells_of(body: str) -> dict:
    parser = Cells()
    parser.feed(body)
    return parser.cells


def as_json_text(value: object) -> str:
    """How a JSON number reads on the page once separators and % are taken away."""
    return "—" if value is None else str(value)


@pytest.fixture
def dispatched(world: World) -> World:
    dispatch_world(world)
    return world


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_page_numbers_equal_the_json(dispatched: World, client_as) -> None:
    out = StringIO()
    call_command(
        "report", "dispatch", "--union", "3305", "--month", "2023-06", "--json", stdout=out
    )
    payload = json.loads(out.getvalue())
    cells = cells_of(get(client_as(dispatched.city_admin), f"{PAGE}?union=3305&month=2023-06"))
    seen = 0
    for item in payload["indicators"]:
        for col in ("month", "ytd", "target", "last_year_ytd"):
            text = cells[("dispatch-table", item["key"], None, col)]
            assert text.replace(",", "").rstrip("%") == as_json_text(item[col]), (item["key"], col)
            seen += 1
        for code, values in item["by_union"].items():
            for col in ("month", "ytd"):
                text = cells[("dispatch-ranking", item["key"], code, col)]
                assert text.replace(",", "").rstrip("%") == as_json_text(values[col])
                seen += 1
    assert seen == len(payload["indicators"]) * (4 + 2 * 2)


def test_page_shows_completion_gap_and_light(dispatched: World, client_as) -> None:
    cells = cells_of(get(client_as(dispatched.city_admin), f"{PAGE}?union=3305&month=2023-06"))
    row = {
        col: cells[("dispatch-table", "members_new", None, col)]
        for col in ("completion", "expected", "gap", "yoy", "light")
    }
    assert row == {
        "completion": "46.2%",
        "expected": "50.0%",
        "gap": "-3.8个百分点",
        "yoy": "+100.0%",
        "light": "黄灯",
    }


def test_page_ranks_the_children_with_the_change_since_last_month(
    dispatched: World, client_as
) -> None:
    cells = cells_of(get(client_as(dispatched.city_admin), f"{PAGE}?union=3305&month=2023-06"))
    ranks = {
        code: (
            cells[("dispatch-ranking", "members_new", code, "rank")],
            cells[("dispatch-ranking", "members_new", code, "completion")],
            cells[("dispatch-ranking", "members_new", code, "rank_change")],
        )
        for code in ("330502", "330503")
    }
    assert ranks == {"330502": ("第2名", "40.0%", "↓1"), "330503": ("第1名", "66.7%", "↑1")}


def test_page_states_the_reporting_union_and_time(dispatched: World, client_as) -> None:
    body = get(client_as(dispatched.city_admin), f"{PAGE}?union=3305&month=2023-06")
    assert "湖州市总工会2023年6月重点工作调度表" in body
    assert '填报单位：<span data-testid="reporting-union">湖州市总工会</span>' in body
    assert "数据截至：" in body


def test_default_is_the_users_union_and_the_last_complete_month(
    dispatched: World, client_as, monkeypatch
) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2023, 7, 15))
    body = get(client_as(dispatched.wuxing_staff), PAGE)
    assert "吴兴区总工会2023年6月重点工作调度表" in body


def test_a_bad_month_says_so_and_shows_the_default(
    dispatched: World, client_as, monkeypatch
) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2023, 7, 15))
    body = get(client_as(dispatched.city_admin), f"{PAGE}?month=2023-13")
    assert "月份“2023-13”不存在。已显示2023年6月。" in body


def test_a_county_user_sees_its_townships_ranked(dispatched: World, client_as) -> None:
    cells = cells_of(get(client_as(dispatched.wuxing_staff), f"{PAGE}?month=2023-06"))
    assert (
        cells[("dispatch-ranking", "members_new", "330502001", "ytd")],
        cells[("dispatch-ranking", "members_new", "330502100", "ytd")],
    ) == ("4", "0")


def test_union_picker_offers_only_unions_in_scope(dispatched: World, client_as) -> None:
    body = get(client_as(dispatched.wuxing_staff), f"{PAGE}?month=2023-06")
    picker = body[body.index('id="pick-union"') : body.index("</select>")]
    assert [
        code
        for code in ("3305", "330502", "330502001", "330502100", "330503")
        if f'value="{code}"' in picker
    ] == [
        "330502",
        "330502001",
        "330502100",
    ]


def test_a_record_saved_now_shows_in_the_next_request(dispatched: World, client_as) -> None:
    client = client_as(dispatched.city_admin)
    url = f"{PAGE}?union=3305&month=2023-06"
    before = cells_of(get(client, url))[("dispatch-table", "members_new", None, "ytd")]
    MemberFactory.create(union=dispatched.nanxun_grassroots, join_date=date(2023, 6, 20))
    after = cells_of(get(client, url))[("dispatch-table", "members_new", None, "ytd")]
    assert (before, after) == ("6", "7")


# --- scoping ----------------------------------------------------------------------------

WUXING_URLS = [
    f"{PAGE}?union=330502&month=2023-06",
    f"{EXPORT}?union=330502&month=2023-06",
    f"{PAGE}members_new/?union=330502&month=2023-06",
    f"{PAGE}members_new/?union=330502001&month=2023-06",
    f"{PAGE}members_new/?union=3305020010001&month=2023-06&period=month",
]


@pytest.mark.parametrize("url", WUXING_URLS)
def test_a_sibling_county_gets_404_for_wuxing(dispatched: World, client_as, url: str) -> None:
    assert client_as(dispatched.nanxun_staff).get(url).status_code == 404


@pytest.mark.parametrize("url", WUXING_URLS[:3])
def test_a_township_cannot_reach_its_county(dispatched: World, client_as, url: str) -> None:
    assert client_as(dispatched.township_staff).get(url).status_code == 404


def test_a_user_without_a_union_gets_404(dispatched: World, client_as) -> None:
    assert client_as(dispatched.worker).get(PAGE).status_code == 404


def test_a_sibling_countys_own_table_names_nothing_of_wuxing(dispatched: World, client_as) -> None:
    body = get(client_as(dispatched.nanxun_staff), f"{PAGE}?month=2023-06")
    assert [name for name in dispatched.wuxing_only_names if name in body] == []


# --- drill-down -------------------------------------------------------------------------


def children_of(body: str) -> dict[str, str]:
    """{child code: value text} of the drill-down's child table."""
    parser = Cells()
    parser.feed(body.replace('data-value="', 'data-col="value" data-value="'))
    return {
        child: text
        for (testid, _, child, col), text in parser.cells.items()
        if testid == "indicator-children" and col == "value" and child is not None
    }


def test_a_number_breaks_down_by_county(dispatched: World, client_as) -> None:
    body = get(
        client_as(dispatched.city_admin),
        f"{PAGE}members_new/?union=3305&month=2023-06&period=ytd",
    )
    assert children_of(body) == {"330502": "4", "330503": "2"}


def test_the_month_breaks_down_too(dispatched: World, client_as) -> None:
    body = get(
        client_as(dispatched.city_admin),
        f"{PAGE}members_new/?union=3305&month=2023-06&period=month",
    )
    assert children_of(body) == {"330502": "2", "330503": "2"}


def test_each_county_links_further_down(dispatched: World, client_as) -> None:
    body = get(client_as(dispatched.city_admin), f"{PAGE}members_new/?union=3305&month=2023-06")
    assert (
        'href="/reports/dispatch/members_new/?union=330502&amp;month=2023-06&amp;period=ytd"'
        in body
    )


def test_a_county_breaks_down_by_township(dispatched: World, client_as) -> None:
    body = get(client_as(dispatched.wuxing_staff), f"{PAGE}members_new/?month=2023-06")
    assert children_of(body) == {"330502001": "4", "330502100": "0"}


def test_a_leaf_union_lists_the_records_masked(dispatched: World, client_as) -> None:
    body = get(
        client_as(dispatched.wuxing_staff),
        f"{PAGE}members_new/?union=3305020010001&month=2023-06&period=ytd",
    )
    masked = pii.mask_id_number(FIRST_ID)
    assert (masked in body, FIRST_ID in body, body.count("<tr><td>会员")) == (True, False, 4)


def test_money_records_show_the_amount_and_a_masked_id(dispatched: World, client_as) -> None:
    body = get(
        client_as(dispatched.wuxing_staff),
        f"{PAGE}mutual_aid_paid_amount/?union=3305020010001&month=2023-06&period=month",
    )
    assert "<td>1,500.00</td>" in body and "<td>2023-06-30</td>" in body


def test_an_indicator_without_records_says_so(dispatched: World, client_as) -> None:
    body = get(
        client_as(dispatched.wuxing_staff),
        f"{PAGE}above_scale_union_rate/?union=3305020010001&month=2023-06",
    )
    assert "没有可逐条列出的明细记录" in body


def test_members_owned_by_the_union_itself_show_as_its_own_row(
    dispatched: World, client_as
) -> None:
    # 月河街道 has one grassroots union (4 joins in 1—6月) and now a member of its own.
    MemberFactory.create(union=dispatched.yuehe, join_date=date(2023, 6, 15))
    body = get(client_as(dispatched.township_staff), f"{PAGE}members_new/?month=2023-06")
    assert children_of(body) == {"3305020010001": "4", "own": "1"}


def test_a_union_with_many_children_lists_only_those_with_a_value(world: World, client_as) -> None:
    grassroots = [UnionFactory.create(parent=world.zhili) for _ in range(31)]
    MemberFactory.create(union=grassroots[7], join_date=date(2023, 6, 15))
    body = get(client_as(world.wuxing_staff), f"{PAGE}members_new/?union=330502100&month=2023-06")
    assert (children_of(body), "另有 30 个下级工会本期为 0 或没有数据" in body) == (
        {grassroots[7].code: "1"},
        True,
    )


def test_an_unknown_indicator_is_404(dispatched: World, client_as) -> None:
    assert client_as(dispatched.city_admin).get(f"{PAGE}no_such/").status_code == 404


def test_records_are_paginated_by_100(world: World, client_as) -> None:
    for n in range(101):
        MemberFactory.create(
            union=world.nanxun_grassroots,
            id_number=id_number_for(9000 + n, "330503"),
            join_date=date(2023, 6, 1),
        )
    client = client_as(world.nanxun_staff)
    url = f"{PAGE}members_new/?union=3305031000001&month=2023-06&period=month"
    first, second = get(client, url), get(client, url + "&page=2")
    assert (first.count("<tr><td>"), second.count("<tr><td>"), "第 1 / 2 页" in first) == (
        100,
        1,
        True,
    )


# --- the download -----------------------------------------------------------------------


def test_download_is_the_workbook(dispatched: World, client_as) -> None:
    response = client_as(dispatched.city_admin).get(f"{EXPORT}?union=3305&month=2023-06")
    book = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert (book.sheetnames, book["调度表"]["A1"].value) == (
        ["调度表", "下级排名"],
        "湖州市总工会2023年6月重点工作调度表",
    )


def test_download_is_an_attachment_named_after_the_table(dispatched: World, client_as) -> None:
    response = client_as(dispatched.city_admin).get(f"{EXPORT}?union=3305&month=2023-06")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "2023%E5%B9%B46%E6%9C%88" in disposition


def test_download_is_audited(dispatched: World, client_as) -> None:
    client_as(dispatched.wuxing_staff).get(f"{EXPORT}?month=2023-06")
    event = AuditEvent.objects.get(action="report.dispatch.export")
    assert (event.actor, event.union) == (dispatched.wuxing_staff, dispatched.wuxing)


# --- queries ----------------------------------------------------------------------------


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        get(client, f"{PAGE}?union=3305&month=2023-06")
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_unions(dispatched: World, client_as) -> None:
    client = client_as(dispatched.city_admin)
    page_queries(client)  # warm the session
    before = page_queries(client)
    for i in range(3):
        county = UnionFactory.create(
            parent=dispatched.city,
            code=f"33052{i + 1}",
            name=f"测试县{i}总工会",
            level=Union.Level.COUNTY,
        )
        town = UnionFactory.create(
            parent=county,
            code=f"33052{i + 1}100",
            name=f"测试镇{i}工会",
            level=Union.Level.TOWNSHIP,
        )
        grassroots = UnionFactory.create(parent=town, code=f"33052{i + 1}1000001")
        MemberFactory.create(union=grassroots, join_date=date(2023, 6, 2))
    facts_drain()  # the cost of these writes, taken by the first page that reads after
    assert page_queries(client) == before
