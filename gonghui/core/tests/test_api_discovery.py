"""The API assembles the routers of the apps it finds."""

from __future__ import annotations

from gonghui.api.api import api


def test_every_app_router_is_found() -> None:
    tags = {
        tag
        for operations in api.get_openapi_schema()["paths"].values()
        for operation in operations.values()
        for tag in operation.get("tags", [])
    }
    assert tags >= {"系统", "审核流程", "组织建设", "会员管理", "互助保障", "指标与目标"}
