"""导师帮带, innovation studios and alliances: the services' rules, the link from promotions
to the mentorship they came from, the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from gonghui.conftest import World
from gonghui.core import pii
from gonghui.skills.models import InnovationStudio, Mentorship, SkillPromotion, StudioAlliance
from gonghui.skills.services.studios import alliance_create, mentorship_create, studio_create
from gonghui.skills.sheets.promotions import promotion_import


def person(n: int) -> str:
    return pii.id_number_compose("330502", datetime.date(1980, 7, 1), 500 + n)


def pair(world: World, **kw: object) -> Mentorship:
    fields: dict[str, object] = {
        "mentor_id": person(1),
        "mentor_name": "谈敏",
        "apprentice_id": person(2),
        "apprentice_name": "沈青",
        "started_on": datetime.date(2023, 1, 10),
    }
    fields.update(kw)
    return mentorship_create(actor=world.township_staff, union=world.yuehe, **fields)  # type: ignore[arg-type]


def studio(world: World, name: str, n: int) -> InnovationStudio:
    return studio_create(
        actor=world.wuxing_staff,
        union=world.wuxing,
        name=name,
        level="provincial",
        leader_id=person(n),
        leader_name="谈敏" if n == 1 else f"领衔{chr(0x4E00 + n)}",
        enterprise_name="湖州南丰机械制造有限公司",
        founded_on=datetime.date(2022, 5, 1),
        patents=3,
        savings=Decimal("1200000"),
    )


def test_a_mentorship_pairs_two_skills_files(world: World) -> None:
    made = pair(world)
    assert (made.mentor.name, made.apprentice.name, made.union) == ("谈敏", "沈青", world.yuehe)


def test_a_mentorship_refuses_the_same_person_and_a_bad_end(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        pair(
            world,
            apprentice_id=person(1),
            apprentice_name="谈敏",
            ended_on=datetime.date(2022, 1, 1),
        )
    assert refused.value.message_dict == {
        "apprentice_id": ["导师和徒弟不能是同一个人"],
        "ended_on": ["结束日期不能早于结对日期"],
    }
    assert not Mentorship.objects.exists()


def test_a_running_pair_is_not_registered_twice(world: World) -> None:
    pair(world)
    with pytest.raises(ValidationError) as refused:
        pair(world, started_on=datetime.date(2023, 2, 1))
    assert refused.value.messages == ["谈敏与沈青的帮带关系已经登记"]


def test_a_promotion_by_mentorship_is_linked_to_the_running_pair(
    world: World, tmp_path: Path
) -> None:
    made = pair(world)
    book = openpyxl.Workbook()
    book.active.append(
        ["身份证号", "姓名", "原等级", "晋升等级", "晋级日期", "认定机构", "晋级途径"]
    )
    book.active.append(
        [
            person(2),
            "沈青",
            "",
            "初级工",
            "2023-05-01",
            "湖州市职业技能等级认定指导中心",
            "导师帮带",
        ]
    )
    path = tmp_path / "p.xlsx"
    book.save(path)
    promotion_import(actor=world.township_staff, union=world.yuehe, path=path, dry_run=False)
    assert SkillPromotion.objects.get().mentorship == made


def test_a_studio_and_an_alliance_of_studios(world: World) -> None:
    first = studio(world, "谈敏劳模工匠创新工作室", 1)
    second = studio(world, "铸造工艺创新工作室", 3)
    alliance = alliance_create(
        actor=world.wuxing_staff,
        union=world.wuxing,
        name="铸造行业劳模工匠创新工作室联盟",
        industry="铸造",
        founded_on=datetime.date(2023, 5, 20),
        lead_studio=first,
        studios=[second],
    )
    assert set(alliance.studios.all()) == {first, second}
    assert (first.leader.name, first.patents, first.savings) == ("谈敏", 3, Decimal("1200000"))


def test_an_alliance_needs_two_studios(world: World) -> None:
    only = studio(world, "谈敏劳模工匠创新工作室", 1)
    with pytest.raises(ValidationError) as refused:
        alliance_create(
            actor=world.wuxing_staff,
            union=world.wuxing,
            name="一个人的联盟",
            founded_on=datetime.date(2023, 5, 20),
            lead_studio=only,
            studios=[only],
        )
    assert refused.value.messages == ["联盟至少由两个工作室组成"]
    assert not StudioAlliance.objects.exists()


def test_the_pages_record_and_list_within_scope(world: World, client_as) -> None:
    client = client_as(world.township_staff)
    response = client.post(
        "/skills/mentorships/new/",
        {
            "mentor_name": "谈敏",
            "mentor_id": person(1),
            "apprentice_name": "沈青",
            "apprentice_id": person(2),
            "started_on": "2023-01-10",
        },
    )
    assert response.status_code == 302
    assert "沈青" in client.get("/skills/mentorships/").content.decode()
    assert "沈青" not in client_as(world.nanxun_staff).get("/skills/mentorships/").content.decode()


def test_the_studio_form_says_what_is_wrong(world: World, client_as) -> None:
    page = (
        client_as(world.wuxing_staff)
        .post(
            "/skills/studios/new/",
            {
                "name": "某工作室",
                "level": "city",
                "leader_name": "谈敏",
                "leader_id": "330502198007011234",
                "founded_on": "2023-01-01",
                "members_count": "5",
                "patents": "0",
                "innovations": "0",
                "savings": "0",
            },
        )
        .content.decode()
    )
    assert "领衔人身份证号：" in page and "请填写所在企业" in page
    assert not InnovationStudio.objects.exists()


def test_the_stock_indicators_count_at_the_periods_end(world: World) -> None:
    from gonghui.core.indicators import Period, indicator_get, indicator_values
    from gonghui.skills.models import SkillTitle, TitleKind

    pair(world)  # from 2023-01-10, running
    pair(
        world,
        mentor_id=person(3),
        mentor_name="钱三",
        started_on=datetime.date(2022, 1, 1),
        ended_on=datetime.date(2023, 3, 31),
    )
    first = studio(world, "谈敏劳模工匠创新工作室", 1)
    for kind, number in (
        (TitleKind.HUZHOU_CRAFTSMAN, "A"),
        (TitleKind.ZHEJIANG_YOUNG_CRAFTSMAN, "B"),
    ):
        SkillTitle.objects.create(
            union=world.city,
            talent=first.leader,
            kind=kind,
            granted_on=datetime.date(2023, 4, 28),
            issuers="湖州市总工会",
            certificate_no=number,
        )

    def value(key: str, period: Period) -> object:
        [v] = indicator_values(indicator_get(key), world.wuxing, [period])
        return v.total

    june, march = Period.month(2023, 6), Period.month(2023, 3)
    assert (value("active_mentorships", june), value("active_mentorships", march)) == (1, 2)
    assert (value("innovation_studios", june), value("craftsman_talents", june)) == (1, 1)
    assert value("craftsman_talents", march) in (0, None)
