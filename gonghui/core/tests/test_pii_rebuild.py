"""Nothing shown to a user without the personal-data right rebuilds more of an ID number
than its mask (first 6 and last 4) shows, read together with everything else shown.

The 8 masked digits are the birth date, so a page that prints the date beside the mask
unmasks the number. The walk reads every route (and the roster export and the API) as a
county user in scope without the right and looks, for every member's real number, for the
number itself, its birth date in any spelling, and any masked form that shows other digits.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from gonghui.conftest import World, login
from gonghui.core import pii
from gonghui.core.models import Job
from gonghui.core.tests.test_scoping_routes import ALL_ROUTES, Route, response_text, sample_values
from gonghui.members.models import Member

MASK_SHAPED = re.compile(r"(?<![0-9A-Za-z*])[0-9Xx*＊]{15,18}(?![0-9A-Za-z*])")


def birth_spellings(born: date) -> list[str]:
    y, m, d = born.year, born.month, born.day
    return [
        f"{y}{m:02d}{d:02d}",
        f"{y}-{m:02d}-{d:02d}",
        f"{y}-{m}-{d}",
        f"{y}/{m:02d}/{d:02d}",
        f"{y}/{m}/{d}",
        f"{y}.{m:02d}.{d:02d}",
        f"{y}年{m}月{d}日",
        f"{y}年{m:02d}月{d:02d}日",
    ]


def rebuilt(text: str, id18: str) -> list[str]:
    """What in ``text`` shows more of ``id18`` than its mask: an empty list if nothing."""
    born = pii.id_birth_date(id18)
    found = [s for s in [id18, *birth_spellings(born)] if s in text]
    # The month and day alone, as a page might print them beside a year shown elsewhere;
    # except on the day whose month and day they are, when a report prints them as today's
    # date ("数据截至12月3日"), which tells nothing of the number.
    if (born.month, born.day) not in _todays():
        found += re.findall(rf"(?<!\d){born.month}月{born.day}日", text)
    allowed = set(range(6)) | set(range(len(id18) - 4, len(id18)))
    for token in MASK_SHAPED.findall(text):
        if len(token) != len(id18):
            continue
        shown = {i for i, c in enumerate(token) if c not in "*＊"}
        if all(token[i].upper() == id18[i] for i in shown) and shown - allowed:
            found.append(token)
    return found


def _todays() -> set[tuple[int, int]]:
    from django.utils import timezone

    from gonghui.core.dates import report_today

    return {(d.month, d.day) for d in (timezone.localdate(), report_today())}


def real_numbers() -> list[str]:
    cipher = pii.column_cipher(Member.id_cipher)
    return [cipher.decrypt(pk, c) for pk, c in Member.objects.values_list("id", "id_cipher")]


def walk_routes() -> list[Route]:
    """Every route a GET shows something on (a POST-only route answers 405)."""
    return [r for r in ALL_ROUTES if r.pattern not in {"accounts/logout/"}]


def test_the_member_page_shows_the_birth_year_not_the_date(world: World, client) -> None:
    from gonghui.members.tests.factories import MemberFactory

    member = MemberFactory.create(
        union=world.yuehe, id_number=pii.id_number_compose("330502", date(1987, 11, 23), 41)
    )
    login(client, world.township_staff)
    body = client.get(f"/members/{member.pk}/").content.decode()
    assert "1987年" in body
    assert "1987-11-23" not in body
    assert rebuilt(body, pii.id_number_compose("330502", date(1987, 11, 23), 41)) == []


@pytest.mark.parametrize("route", walk_routes(), ids=lambda r: r.pattern or "/")
def test_no_page_rebuilds_a_masked_number(route: Route, world: World, client) -> None:
    assert not world.wuxing_staff.pii_access
    values, _ = sample_values(route, world)
    login(client, world.wuxing_staff)
    response = client.get(route.url(values))
    if response.status_code != 200:
        return
    text = response_text(response)
    for id18 in real_numbers():
        assert rebuilt(text, id18) == [], (route.pattern, id18)


def test_the_masked_roster_export_and_the_api_rebuild_nothing(
    world: World, client, django_capture_on_commit_callbacks
) -> None:
    from gonghui.members.tests.factories import MemberFactory

    MemberFactory.create_batch(3, union=world.wuxing_grassroots)
    login(client, world.wuxing_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/sheets/members/export/", {"union": world.wuxing.code})
    job = Job.objects.filter(kind="sheet_export").latest("pk")
    assert job.state == Job.State.DONE
    texts = [
        response_text(client.get(f"/jobs/{job.pk}/result/")),
        client.get("/api/v1/members").content.decode(),
        *(
            client.get(f"/api/v1/members/{pk}").content.decode()
            for pk in Member.objects.values_list("pk", flat=True)
        ),
    ]
    numbers = real_numbers()
    assert len(numbers) == 3
    for text in texts:
        for id18 in numbers:
            assert rebuilt(text, id18) == [], id18
