"""Two finance users at once, on two PostgreSQL connections: exactly one wins, the other
is refused in Chinese, and every application is batched and paid once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gonghui.aid.models import ReliefApplication
from gonghui.aid.tests.factories import ApprovedClaimFactory, ReliefApplicationFactory
from gonghui.conftest import World, build_world
from gonghui.core.models import Role, User
from gonghui.core.tests.factories import UserFactory
from gonghui.core.workflow import State
from gonghui.core.workflow.models import PayoutBatch, PayoutItem, ReviewEntry
from gonghui.core.workflow.payouts import payout_batch_create, payout_batch_mark_paid
from gonghui.members.tests.factories import MemberFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

ITEMS = 30


def setup() -> tuple[World, User, User]:
    world = build_world()
    for n in range(ITEMS):
        member = MemberFactory.create(union=world.wuxing_grassroots)
        if n % 2:
            ApprovedClaimFactory.create(member=member, amount=Decimal("1000.00") + n)
        else:
            ReliefApplicationFactory.create(
                member=member, state=State.APPROVED, amount=Decimal("3000.00")
            )
    one = UserFactory.create(username="wx_finance_1", union=world.wuxing, role=Role.FINANCE)
    two = UserFactory.create(username="city_finance", union=world.city, role=Role.FINANCE)
    return world, one, two


def race(actors: list[User], act: Callable[[User], Any]) -> list[str]:
    barrier = threading.Barrier(len(actors))
    outcomes: list[str] = []

    def run(actor: User) -> None:
        try:
            barrier.wait()
            act(actor)
            outcomes.append("done")
        except ValidationError as exc:
            outcomes.extend(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_two_batches_gathering_the_same_items_make_one() -> None:
    world, one, two = setup()
    outcomes = race(
        [one, two],
        lambda actor: payout_batch_create(actor=actor, union=world.wuxing, name="并发"),
    )
    assert outcomes == ["done", "没有可纳入批次的待发放申请（可能已被其他发放批次选取）。"]
    assert PayoutBatch.objects.count() == 1
    assert PayoutItem.objects.count() == ITEMS


def test_marking_a_batch_paid_twice_at_once_pays_once() -> None:
    world, one, two = setup()
    batch = payout_batch_create(actor=one, union=world.wuxing, name="并发")
    paid_on = date(2023, 9, 15)
    outcomes = race(
        [one, two],
        lambda actor: payout_batch_mark_paid(
            actor=actor, batch=batch, bank_reference=f"REF-{actor.pk}", paid_on=paid_on
        ),
    )
    assert outcomes == ["done", "该批次已于 2023-09-15 标记为已发放，不能重复发放。"]
    assert ReviewEntry.objects.filter(action="pay").count() == ITEMS
    assert ReliefApplication.objects.filter(state=State.PAID).count() == ITEMS // 2
    assert set(PayoutItem.objects.values_list("status", flat=True)) == {"paid"}
