"""Reports on a read replica: the router against a second database of the same kind (a
second PostgreSQL database on PostgreSQL, a second file on SQLite). Report pages read
there; writes, and every other page, stay on the primary."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connections

from gonghui.conftest import World, build_world
from gonghui.core.models import AuditEvent
from gonghui.core.replica import on_replica, replica_alias
from gonghui.members.models import Member
from gonghui.members.tests.factories import MemberFactory
from gonghui.orgs.models import Region, Union

pytestmark = pytest.mark.django_db(databases=["default", "replica"], transaction=True)


@pytest.fixture
def replica(settings) -> str:
    settings.GONGHUI_REPORT_REPLICA = "replica"
    return "replica"


@pytest.fixture
def both(replica: str) -> World:
    """The same union tree on both databases, as replication would give; members on the
    primary only (written after the replica's last replay)."""
    world = build_world()
    for row in [*Region.objects.order_by("code"), *Union.objects.order_by("path")]:
        row.save(using=replica, force_insert=True)
    return world


def test_reads_go_to_the_replica_only_inside_a_report(both: World) -> None:
    MemberFactory.create(union=both.wuxing_grassroots)
    with on_replica():
        inside = Member.objects.count()
    assert (inside, Member.objects.count()) == (0, 1)


def test_writes_never_go_to_the_replica(both: World) -> None:
    with on_replica():
        MemberFactory.create(union=both.wuxing_grassroots)
    assert (
        Member.objects.using("default").count(),
        Member.objects.using("replica").count(),
    ) == (1, 0)


def test_a_row_read_from_the_replica_is_saved_to_the_primary(both: World) -> None:
    with on_replica():
        union = Union.objects.get(pk=both.city.pk)
    assert union._state.db == "replica"
    union.name = "湖州市总工会（改）"
    union.save()
    names = [Union.objects.using(db).get(pk=both.city.pk).name for db in ("default", "replica")]
    assert names == ["湖州市总工会（改）", "湖州市总工会"]


def _members_new_this_month(page: str) -> str:
    row = page.split('<tr data-key="members_new">')[1].split("</tr>")[0]
    return row.split('data-col="month" data-value="')[1].split('"')[0]


def test_the_dispatch_table_reads_the_replica_and_says_so(both: World, client_as, settings) -> None:
    MemberFactory.create(union=both.wuxing_grassroots, join_date=date(2023, 6, 5))
    client = client_as(both.city_admin)
    url = "/reports/dispatch/?union=3305&month=2023-06"
    on_replica_page = client.get(url).content.decode()
    settings.GONGHUI_REPORT_REPLICA = ""
    on_primary_page = client.get(url).content.decode()
    # The new member is on the primary only, not yet replayed on the replica.
    assert (_members_new_this_month(on_replica_page), _members_new_this_month(on_primary_page)) == (
        "0",
        "1",
    )
    assert ('data-testid="replica-note"' in on_replica_page) is True
    assert ('data-testid="replica-note"' in on_primary_page) is False


def test_other_pages_read_the_primary(both: World, client_as) -> None:
    MemberFactory.create(union=both.wuxing_grassroots, name="主库会员")
    page = client_as(both.city_admin).get("/members/?union=3305").content.decode()
    assert ("主库会员" in page, 'data-testid="replica-note"' in page) == (True, False)


def test_an_export_is_audited_on_the_primary(both: World, client_as) -> None:
    client_as(both.city_admin).get("/reports/dispatch/export/?union=3305&month=2023-06")
    assert AuditEvent.objects.using("default").filter(action="report.dispatch.export").count() == 1


def test_without_a_replica_reports_read_the_primary(settings) -> None:
    settings.GONGHUI_REPORT_REPLICA = ""
    with on_replica():
        assert replica_alias() == ""
    assert "replica" in connections


def test_facts_taken_inside_a_report_on_the_replica_count_the_primarys_records(
    both: World,
) -> None:
    from gonghui.core.indicators.facts import facts_drain, facts_rebuild
    from gonghui.core.models import IndicatorFact

    facts_rebuild()
    MemberFactory.create(union=both.wuxing_grassroots, join_date=date(2023, 6, 5))
    with on_replica():  # a report page drains before it reads
        facts_drain()
    kept = IndicatorFact.objects.using("default").filter(indicator="members_new")
    assert list(kept.values_list("owner", "value")) == [(both.wuxing_grassroots.pk, 1)]
