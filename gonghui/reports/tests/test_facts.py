"""Indicator facts (core/indicators/facts.py): kept from the database's own notes of what
changed, they equal a live count of the records for every indicator, union and month."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.aid.models import MutualAidClaim
from gonghui.aid.tests.factories import ApprovedClaimFactory
from gonghui.aid.tests.test_payouts import batch_of, claim, finance
from gonghui.conftest import World
from gonghui.core.actors import SystemActor
from gonghui.core.indicators import Period, indicator_get, indicator_values
from gonghui.core.indicators.facts import (
    facts_drain,
    facts_read,
    fingerprint,
    months_between,
    stored_indicators,
    triggers_install,
)
from gonghui.core.models import FactChange, FactsState, IndicatorFact
from gonghui.core.workflow import State
from gonghui.core.workflow.payouts import payout_batch_mark_paid
from gonghui.members.models import Member
from gonghui.members.services import member_join, member_leave, member_transfer
from gonghui.members.tests.factories import MemberFactory, id_number_for
from gonghui.members.tests.test_member_import import do_import
from gonghui.members.tests.test_periods import _hash
from gonghui.orgs.models import Union

MONTHS = months_between(date(2022, 12, 1), date(2024, 1, 1))
H1_2023 = Period.half(2023, 1)


def normal(values: dict[int, Any]) -> dict[int, Any]:
    """An indicator's answer per owner as both ways give it: zeros dropped, lists sorted."""
    out: dict[int, Any] = {}
    for owner, value in values.items():
        if isinstance(value, list):
            if value:
                out[owner] = sorted(Decimal(str(v)) for v in value)
        elif value:
            out[owner] = Decimal(str(value))
    return out


def differences(root: Union) -> list[str]:
    """Every stored indicator, per owning union and month: the facts against a live count."""
    facts_drain()
    found = []
    for indicator in stored_indicators():
        assert indicator.query is not None
        kept = facts_read(indicator, root.path, MONTHS)
        live = indicator.query(root.path, MONTHS)
        for month, a, b in zip(MONTHS, kept, live, strict=True):
            if normal(a) != normal(b):
                found.append(f"{indicator.key} {month.label}: {normal(a)} != {normal(b)}")
    return found


def test_the_facts_are_kept_for_the_test_database(db: None) -> None:
    state = FactsState.objects.get()
    assert state.first_month == date(2018, 1, 1)
    assert set(state.indicators) == {i.key for i in stored_indicators()}


def test_a_join_reaches_the_facts_of_its_union_and_month(world: World) -> None:
    member_join(
        actor=world.city_admin,
        union=world.wuxing_grassroots,
        name="陈会员",
        id_number=id_number_for(1),
        join_date=date(2023, 3, 9),
    )
    assert FactChange.objects.filter(source="members_membershipperiod").exists()
    facts_drain()
    assert list(
        IndicatorFact.objects.filter(indicator="members_new").values_list("owner", "month", "value")
    ) == [(world.wuxing_grassroots.pk, date(2023, 3, 1), Decimal(1))]


def test_a_stock_is_kept_as_its_changes_by_month(world: World) -> None:
    member = member_join(
        actor=world.city_admin,
        union=world.wuxing_grassroots,
        name="陈会员",
        id_number=id_number_for(1),
        join_date=date(2023, 3, 9),
    )
    member_leave(actor=world.city_admin, member=member, on=date(2023, 5, 2))
    facts_drain()
    assert sorted(
        IndicatorFact.objects.filter(indicator="members_end").values_list("month", "value")
    ) == [(date(2023, 3, 1), Decimal(1)), (date(2023, 5, 1), Decimal(-1))]


def test_a_write_that_bypasses_the_models_is_noted_too(world: World) -> None:
    member = MemberFactory.create(union=world.wuxing_grassroots, join_date=date(2023, 2, 1))
    facts_drain()
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "members_member" SET "employment_form" = %s WHERE "id" = %s',
            ["new_form", member.pk],
        )
    assert FactChange.objects.filter(
        source="members_member", tbl="orgs_union", ref=world.wuxing_grassroots.pk
    ).exists()


def test_a_record_moved_to_another_union_leaves_the_first_ones_facts(world: World) -> None:
    # Filed at 月河 for a member (and enrollment) of the other county: only the claim's
    # own union column, before the change, says where it was.
    member = MemberFactory.create(union=world.nanxun_grassroots, join_date=date(2022, 1, 1))
    paid = ApprovedClaimFactory.create(
        member=member, union=world.yuehe, amount=Decimal("800.00"), paid_on=date(2023, 3, 3)
    )
    MutualAidClaim.objects.filter(pk=paid.pk).update(state=State.PAID)
    facts_drain()
    MutualAidClaim.objects.filter(pk=paid.pk).update(union=world.nanxun_grassroots)
    facts_drain()
    assert list(
        IndicatorFact.objects.filter(indicator="mutual_aid_paid_amount").values_list(
            "owner", "value"
        )
    ) == [(world.nanxun_grassroots.pk, Decimal("800"))]


def test_a_deleted_record_leaves_the_facts(world: World) -> None:
    member = MemberFactory.create(union=world.yuehe, join_date=date(2022, 1, 1))
    paid = claim(world.yuehe, "800.00", member=member, paid_on=date(2023, 3, 3))
    MutualAidClaim.objects.filter(pk=paid.pk).update(state=State.PAID)
    facts_drain()
    MutualAidClaim.objects.filter(pk=paid.pk).delete()
    facts_drain()
    assert not IndicatorFact.objects.filter(indicator="mutual_aid_paid_amount").exists()


def test_the_report_reads_the_facts_and_shows_a_change_at_once(world: World) -> None:
    (before,) = indicator_values(indicator_get("members_new"), world.city, [H1_2023])
    IndicatorFact.objects.create(
        indicator="members_new", owner=world.yuehe.pk, month=date(2023, 2, 1), value=40
    )
    (planted,) = indicator_values(indicator_get("members_new"), world.city, [H1_2023])
    MemberFactory.create(union=world.yuehe, join_date=date(2023, 4, 1))
    (after,) = indicator_values(indicator_get("members_new"), world.city, [H1_2023])
    (live,) = indicator_values(indicator_get("members_new"), world.city, [H1_2023], live=True)
    # The planted row shows that the facts are read; the change then recounts the union.
    assert (before.total, planted.total, after.total, live.total) == (0, 40, 1, 1)


def test_a_period_that_is_not_whole_months_is_counted_live(world: World) -> None:
    IndicatorFact.objects.create(
        indicator="members_new", owner=world.yuehe.pk, month=date(2023, 2, 1), value=40
    )
    days = Period.between(date(2023, 2, 3), date(2023, 2, 20))
    (values,) = indicator_values(indicator_get("members_new"), world.city, [days])
    assert values.total == 0


def test_a_changed_declaration_is_counted_again(world: World) -> None:
    MemberFactory.create(union=world.yuehe, join_date=date(2023, 4, 1))
    facts_drain()
    state = FactsState.objects.get()
    state.indicators["members_new"] = "an older query"
    state.save()
    IndicatorFact.objects.filter(indicator="members_new").delete()
    facts_drain()
    assert FactsState.objects.get().indicators["members_new"] == fingerprint(
        indicator_get("members_new")
    )
    assert IndicatorFact.objects.filter(indicator="members_new").count() == 1


def test_the_triggers_watch_the_tables_the_indicators_read(db: None) -> None:
    tables = triggers_install()
    assert {"members_membershipperiod", "aid_mutualaidclaim", "wages_rentpayment"} <= set(tables)
    assert "core_auditevent" not in tables


HOLDERS = ("yuehe", "zhili", "wuxing_grassroots", "nanxun_town", "nanxun_grassroots")
ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["join", "transfer", "leave", "import", "claim", "pay"]),
        st.integers(0, 3),  # which person
        st.integers(0, 4),  # which union
        st.integers(0, 40),  # days after the previous change
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(actions=ACTIONS)
def test_any_sequence_of_changes_keeps_the_facts_equal_to_a_live_count(
    world: World, tmp_path: Path, actions: list[tuple[str, int, int, int]]
) -> None:
    with transaction.atomic():
        finance_users = {c.pk: finance(c, f"finance{c.pk}") for c in (world.wuxing, world.nanxun)}
        day = date(2023, 1, 1)
        members: dict[int, Member] = {}
        for step, (action, who, where, gap) in enumerate(actions):
            day = min(day + timedelta(days=gap), date(2023, 12, 31))
            union = getattr(world, HOLDERS[where])
            member = members.get(who)
            active = member is not None and member.status == Member.Status.ACTIVE
            if action == "join" and not active:
                members[who] = member_join(
                    actor=world.city_admin,
                    union=union,
                    name="陈会员",
                    id_number=id_number_for(900 + who),
                    join_date=day,
                )
            elif action == "import" and not active:
                do_import(
                    world,
                    tmp_path,
                    [{"姓名": "陈会员", "身份证号": id_number_for(900 + who), "入会日期": day}],
                    union=union,
                    actor=SystemActor(union),
                    name=f"step{step}.xlsx",
                )
                members[who] = Member.objects.get(id_hash=_hash(900 + who))
            elif action == "transfer" and member is not None and active:
                if member.union_id != union.pk:
                    members[who] = member_transfer(
                        actor=world.city_admin, member=member, to_union=union, on=day
                    )
            elif action == "leave" and member is not None and active:
                members[who] = member_leave(actor=world.city_admin, member=member, on=day)
            elif action == "claim" and member is not None:
                claim(member.union, f"{100 * (step + 1)}.00", member=member)
            elif action == "pay":
                county = world.wuxing if union.path.startswith(world.wuxing.path) else world.nanxun
                waiting = MutualAidClaim.objects.filter(
                    state=State.APPROVED, union__path__startswith=county.path
                )
                if waiting.exists():
                    batch = batch_of(finance_users[county.pk], county)
                    payout_batch_mark_paid(
                        actor=finance_users[county.pk],
                        batch=batch,
                        bank_reference=f"B{step}",
                        paid_on=day,
                    )
            if step % 3 == 2:  # drain part-way too: facts kept across several drains
                facts_drain()
        assert differences(world.city) == []
        transaction.set_rollback(True)


def test_the_check_command_finds_a_fact_that_differs(world: World) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    MemberFactory.create(union=world.yuehe, join_date=date(2023, 4, 1))
    out = StringIO()
    call_command("facts", "check", "--year", "2023", stdout=out)
    assert "一致" in out.getvalue()
    IndicatorFact.objects.filter(indicator="members_new").update(value=5)
    with pytest.raises(CommandError, match="处不一致"):
        call_command("facts", "check", "--year", "2023", stdout=StringIO())
