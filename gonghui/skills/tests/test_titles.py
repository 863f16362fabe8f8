"""Titles: the registry page, certificates as a printable page and a Word file, the talent
file."""

from __future__ import annotations

import datetime
import io

import docx
import pytest

from gonghui.conftest import World
from gonghui.members.models import SkillGrade
from gonghui.skills.certificates import certificate_docx, certificate_of, chinese_date
from gonghui.skills.models import SkillPromotion, SkillTitle, TitleKind
from gonghui.skills.tests.factories import CompetitionFactory, EntryFactory, TalentFactory


def title(world: World, **kw: object) -> SkillTitle:
    fields: dict[str, object] = {
        "union": world.city,
        "talent": TalentFactory.create(union=world.yuehe, name="谈敏"),
        "kind": TitleKind.HUZHOU_CRAFTSMAN,
        "trade": "铸造工",
        "granted_on": datetime.date(2023, 4, 28),
        "issuers": "中共湖州市委人才工作领导小组、湖州市总工会",
        "certificate_no": "HZGJ-2023-0001",
    }
    fields.update(kw)
    return SkillTitle.objects.create(**fields)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2023, 5, 1), "二〇二三年五月一日"),
        (datetime.date(2023, 10, 20), "二〇二三年十月二十日"),
        (datetime.date(2020, 12, 31), "二〇二〇年十二月三十一日"),
        (datetime.date(2023, 6, 15), "二〇二三年六月十五日"),
    ],
)
def test_dates_are_written_in_chinese_numerals(day: datetime.date, text: str) -> None:
    assert chinese_date(day) == text


def test_a_competition_title_names_the_competition_and_rank(world: World) -> None:
    competition = CompetitionFactory.create(union=world.city, name="电梯维修技能竞赛")
    entry = EntryFactory.create(competition=competition, rank=1)
    made = title(
        world,
        talent=entry.talent,
        kind=TitleKind.TECHNICAL_EXPERT,
        entry=entry,
        issuers="湖州市总工会、湖州市人力资源和社会保障局",
        certificate_no="JSNS-2023-0001",
    )
    c = certificate_of(made)
    assert (c.heading, c.issuers, c.date_text) == (
        "证书",
        ("湖州市总工会", "湖州市人力资源和社会保障局"),
        "二〇二三年四月二十八日",
    )
    assert (
        c.body
        == "在电梯维修技能竞赛中，荣获第1名，被授予“湖州市技术能手”称号。特发此证，以资鼓励。"
    )


def test_the_word_certificate_holds_name_number_issuers_and_date(world: World) -> None:
    made = title(world)
    document = docx.Document(io.BytesIO(certificate_docx(made)))
    text = "\n".join(p.text for p in document.paragraphs)
    for expected in (
        "荣  誉  证  书",
        "谈敏同志：",
        "湖州工匠",
        "湖州市总工会",
        "二〇二三年四月二十八日",
        "证书编号：HZGJ-2023-0001",
    ):
        assert expected in text
    section = document.sections[0]
    assert (section.page_width or 0) > (section.page_height or 0)  # landscape


def test_the_certificate_page_and_download_are_scoped(world: World, client_as) -> None:
    made = title(world, union=world.wuxing)
    wuxing, nanxun = client_as(world.wuxing_staff), client_as(world.nanxun_staff)
    page = wuxing.get(f"/skills/titles/{made.pk}/certificate/").content.decode()
    assert "谈敏同志：" in page and "HZGJ-2023-0001" in page
    download = wuxing.get(f"/skills/titles/{made.pk}/certificate.docx")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert nanxun.get(f"/skills/titles/{made.pk}/certificate/").status_code == 404
    assert nanxun.get(f"/skills/titles/{made.pk}/certificate.docx").status_code == 404


def test_the_titles_page_filters_by_kind_in_few_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    for n in range(20):
        title(
            world,
            union=world.wuxing,
            talent=TalentFactory.create(union=world.yuehe),
            certificate_no=f"HZGJ-2023-{n:04d}",
            kind=TitleKind.HUZHOU_CRAFTSMAN if n % 2 else TitleKind.ZHEJIANG_YOUNG_CRAFTSMAN,
        )
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/skills/titles/?kind=huzhou_craftsman").content.decode()
    assert page.count('data-label="证书编号"') == 10


def test_the_promotions_page_lists_the_subtree_in_few_queries(
    world: World, client_as, django_assert_max_num_queries
) -> None:
    for union in [world.yuehe] * 20 + [world.nanxun_town]:
        SkillPromotion.objects.create(
            union=union,
            talent=TalentFactory.create(union=union),
            to_grade=SkillGrade.JUNIOR,
            promoted_on=datetime.date(2023, 5, 1),
            certifier="湖州市职业技能等级认定指导中心",
            route="training",
        )
    client = client_as(world.wuxing_staff)
    with django_assert_max_num_queries(15):
        page = client.get("/skills/promotions/").content.decode()
    assert page.count('data-label="晋升等级"') == 20


def test_the_talent_file_shows_the_tier_and_is_scoped(world: World, client_as) -> None:
    made = title(world)
    talent = made.talent
    page = client_as(world.wuxing_staff).get(f"/skills/talents/{talent.pk}/").content.decode()
    assert "工匠人才" in page and "HZGJ-2023-0001" in page
    assert client_as(world.nanxun_staff).get(f"/skills/talents/{talent.pk}/").status_code == 404


def test_the_member_page_shows_the_members_skills_and_honours(world: World, client_as) -> None:
    from gonghui.members.tests.factories import MemberFactory
    from gonghui.skills.models import Honour

    member = MemberFactory.create(union=world.wuxing_grassroots, name="谈敏")
    talent = TalentFactory.create(
        union=world.wuxing_grassroots, member=member, name="谈敏", grade=2
    )
    Honour.objects.create(
        union=world.wuxing_grassroots,
        kind="may_day_medal",
        level="city",
        year=2023,
        granted_on=datetime.date(2023, 4, 25),
        talent=talent,
    )
    page = client_as(world.wuxing_staff).get(f"/members/{member.pk}/").content.decode()
    assert "技能与荣誉" in page and "2023年市级五一劳动奖章" in page and "高技能人才" in page
