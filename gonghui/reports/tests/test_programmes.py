"""Programmes over several years: the 湖工有爱 bus loaded from its file, its targets counted
from the baseline year's start against the pace to the target year, by county."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from gonghui.care.tests.factories import DeliveryFactory
from gonghui.conftest import World
from gonghui.core.actors import SystemActor
from gonghui.members.models import EmploymentForm, Occupation
from gonghui.members.tests.factories import MemberFactory
from gonghui.reports.models import Programme
from gonghui.reports.programmes import programme_load, programme_progress

MID_2024 = date(2024, 6, 30)


def bus_programme(city_code: str) -> dict[str, Any]:
    """The bus as the seed states it (the demo loads the same shape)."""
    rate = {"measure": "participation", "group": "new_form_enterprise", "value": 95}
    return {
        "code": "HGYA-BUS",
        "name": "“湖工有爱”共富班车",
        "union": city_code,
        "baseline_year": 2023,
        "target_year": 2025,
        "group": "new_form",
        "group_stated": 50000,
        "targets": [
            {"label": "医疗互助参与率", "item": "medical_security", **rate},
            {"label": "健康体检参与率", "item": "health_checkup", **rate},
            {"label": "疗休养参与率", "item": "recuperation", **rate},
            {"label": "技能培训参与率", "item": "skill_upgrading", **rate},
            {
                "label": "新增技能晋级",
                "measure": "indicator",
                "indicator": "skill_promotions",
                "value": 5000,
            },
            {
                "label": "新增职工服务阵地",
                "measure": "indicator",
                "indicator": "worker_sites_new",
                "value": 500,
            },
        ],
    }


def small_programme(world: World, **over: Any) -> Programme:
    data = {
        "code": "TEST",
        "name": "测试计划",
        "union": world.city.code,
        "baseline_year": 2023,
        "target_year": 2025,
        "group": "new_form",
        "targets": [
            {
                "label": "新发展会员",
                "measure": "indicator",
                "indicator": "members_new",
                "value": 10,
            },
            {
                "label": "新就业形态劳动者体检参与率",
                "measure": "participation",
                "item": "health_checkup",
                "group": "new_form",
                "value": 95,
            },
        ],
        **over,
    }
    return programme_load(actor=SystemActor(world.city), data=data)[0]


@pytest.fixture
def served(world: World) -> World:
    """吴兴: 3 members joined in 2023 and 2 in 2024; four riders, two of them checked up."""
    for day in (date(2023, 3, 1), date(2023, 3, 2), date(2023, 3, 3)):
        MemberFactory.create(union=world.wuxing_grassroots, join_date=day)
    for day in (date(2024, 5, 1), date(2024, 5, 2)):
        MemberFactory.create(union=world.nanxun_grassroots, join_date=day)
    riders = [
        MemberFactory.create(
            union=world.wuxing_grassroots,
            join_date=date(2020, 1, 1),
            employment_form=EmploymentForm.NEW_FORM,
            occupation=Occupation.COURIER,
        )
        for _ in range(4)
    ]
    for rider in riders[:2]:
        DeliveryFactory.create(union=world.yuehe, person=rider, on=date(2023, 4, 1))
    return world


def test_the_bus_loads_and_reloads_as_one_programme(world: World) -> None:
    data = bus_programme(world.city.code)
    first, created = programme_load(actor=SystemActor(world.city), data=data)
    again, created_again = programme_load(actor=SystemActor(world.city), data=data)
    assert (created, created_again, first.pk == again.pk) == (True, False, True)
    assert again.targets.count() == 6


def test_a_bad_file_names_every_problem(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        programme_load(
            actor=SystemActor(world.city),
            data={
                "code": "X",
                "name": "坏计划",
                "union": "9999",
                "baseline_year": 2025,
                "target_year": 2023,
                "targets": [{"measure": "sum"}, {"measure": "participation", "group": "nobody"}],
            },
        )
    assert caught.value.messages == [
        "没有代码为 9999 的工会",
        "目标年不能早于基准年",
        "第1个目标：口径须为 participation 或 indicator",
        "第2个目标：参与率须写服务项目 item 和对象 group",
        "第2个目标：目标值须为数字",
    ]


def test_a_count_adds_up_from_the_baseline_years_start(served: World) -> None:
    progress = programme_progress(
        actor=served.city_admin,
        programme=small_programme(served),
        union=served.city,
        today=MID_2024,
    )
    count = progress.targets[0]
    # 547 of the 1096 days from 2023-01-01 to 2025-12-31: 49.9 %; 5 of 10 members (the
    # riders joined before 2023): 50 %, just ahead of the time gone.
    assert progress.elapsed == Decimal("49.9")
    assert (count.total.value, count.total.completion, count.total.light) == (
        5,
        Decimal("50.0"),
        "green",
    )
    by_county = {union.code: p.value for union, p in count.children}
    assert by_county == {served.wuxing.code: 3, served.nanxun.code: 2}


def test_a_rate_is_the_people_served_since_the_start(served: World) -> None:
    progress = programme_progress(
        actor=served.city_admin,
        programme=small_programme(served),
        union=served.city,
        today=MID_2024,
    )
    rate = progress.targets[1]
    # 2 of the 4 riders: 50 %, 52.6 % of 95 %, ahead of the 49.9 % of time gone.
    assert (rate.total.value, rate.total.completion, rate.total.light) == (
        Decimal("50.0"),
        Decimal("52.6"),
        "green",
    )
    assert progress.group_people == 4


def test_a_target_of_an_indicator_not_declared_waits(world: World) -> None:
    programme = small_programme(
        world,
        targets=[{"label": "未来指标", "measure": "indicator", "indicator": "not_yet", "value": 1}],
    )
    progress = programme_progress(
        actor=world.city_admin, programme=programme, union=world.city, today=MID_2024
    )
    assert ([t.target.label for t in progress.targets], [t.label for t in progress.waiting]) == (
        [],
        ["未来指标"],
    )


def test_the_command_loads_a_programme_file(world: World, tmp_path: Path) -> None:
    data = bus_programme(world.city.code)
    path = tmp_path / "bus.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    out = StringIO()
    call_command("report", "programme", "--load", str(path), stdout=out)
    assert out.getvalue().strip() == f"已新建工作计划“{data['name']}”：6项目标。"


def test_a_county_reads_the_citys_programme_for_its_own_subtree(served: World, client_as) -> None:
    small_programme(served)
    page = client_as(served.nanxun_staff).get("/reports/programmes/TEST/")
    text = page.content.decode()
    assert page.status_code == 200
    assert ("南浔区总工会" in text, "吴兴区总工会" in text) == (True, False)


def test_the_page_shows_a_rate_by_occupation(served: World, client_as) -> None:
    programme = small_programme(served)
    target = programme.targets.get(measure="participation")
    page = client_as(served.city_admin).get(f"/reports/programmes/TEST/?target={target.pk}")
    assert 'data-testid="occupations"' in page.content.decode()
    assert "快递员" in page.content.decode()
