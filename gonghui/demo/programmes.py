"""The demo's multi-year programme: the 湖工有爱 共富班车 as the seed states it (baseline
2023, target year 2025), loaded through the same service as `gonghui report programme`."""

from __future__ import annotations

from typing import Any

from gonghui.core.actors import SystemActor
from gonghui.orgs.models import Union
from gonghui.reports.programmes import programme_load


def bus_programme(city_code: str) -> dict[str, Any]:
    """The programme file of the bus, for the city (also an example of the file's shape)."""
    rate = "participation"
    return {
        "code": "HGYA-BUS",
        "name": "“湖工有爱”共富班车",
        "union": city_code,
        "baseline_year": 2023,
        "target_year": 2025,
        "group": "new_form",
        "group_stated": 50000,
        "description": "把工会服务送到快递员、外卖骑手、网约车司机、护理员等新就业形态劳动者身边："
        "到2025年，新业态企业职工医疗互助、健康体检、疗休养、技能培训参与率均达到95%以上，"
        "新增技能晋级5000人、职工服务阵地500个。",
        "targets": [
            {
                "label": "新业态企业职工医疗互助参与率",
                "measure": rate,
                "item": "medical_security",
                "group": "new_form_enterprise",
                "value": 95,
            },
            {
                "label": "新业态企业职工健康体检参与率",
                "measure": rate,
                "item": "health_checkup",
                "group": "new_form_enterprise",
                "value": 95,
            },
            {
                "label": "新业态企业职工疗休养参与率",
                "measure": rate,
                "item": "recuperation",
                "group": "new_form_enterprise",
                "value": 95,
            },
            {
                "label": "新业态企业职工技能培训参与率",
                "measure": rate,
                "item": "skill_upgrading",
                "group": "new_form_enterprise",
                "value": 95,
            },
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


def programmes_demo_load(*, city: Union) -> int:
    """Load (or reload: the load is idempotent by code) the demo's programmes."""
    programme_load(actor=SystemActor(city), data=bus_programme(city.code))
    return 1
