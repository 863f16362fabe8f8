"""Parameters no page offers (numbers past 2^63, a 200 KiB CSV cell) get an answer, never a
server error."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from gonghui.conftest import World
from gonghui.core.tests.test_sheets import run

HUGE = str(2**63)
URLS = [
    f"/members/?before={HUGE}",
    f"/members/{HUGE}/",
    f"/members/?aid=in:{HUGE}",
    f"/aid/claims/?before={HUGE}",
    f"/aid/claims/new/?member={HUGE}",
    f"/aid/relief/new/?year={HUGE}",
    f"/payouts/?page={HUGE}",
    f"/orgs/formation/?year={HUGE}&page={HUGE}",
    f"/reports/narrative/?year={HUGE}",
    f"/api/v1/members?before={HUGE}",
    f"/api/v1/workflow/relief/items?before={HUGE}",
    f"/api/v1/jobs/{HUGE}",
    f"/api/v1/unions?limit={HUGE}",
    f"/api/v1/unions?offset={HUGE}",
]


@pytest.mark.parametrize("url", URLS)
def test_a_number_past_the_database_range_is_no_server_error(
    url: str, world: World, client_as
) -> None:
    assert client_as(world.wuxing_staff).get(url).status_code < 500


def test_the_api_refuses_an_offset_past_its_bound(world: World, client_as) -> None:
    response = client_as(world.wuxing_staff).get(f"/api/v1/unions?offset={HUGE}")
    assert response.status_code == 422


@pytest.mark.django_db
def test_a_csv_cell_over_128_kib_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("区划代码,名称,层级\n330502," + "吴" * 140_000 + ",区县\n", encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        run(path)
    assert exc.value.code == "file_cell_too_large"
    assert "超过 128 KB" in exc.value.message


def test_refusals_come_in_one_envelope_in_chinese(world: World, client_as) -> None:
    client = client_as(world.nanxun_staff)
    missing = client.get("/api/v1/members/999999")
    assert (missing.status_code, missing.json()) == (
        404,
        {"detail": "未找到，或不在您的管辖范围内。"},
    )
    bad = client.get("/api/v1/unions?limit=0")
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("参数不合要求：")
    assert bad.json()["errors"][0]["loc"][-1] == "limit"


def test_every_operation_documents_its_refusals(world: World, client_as) -> None:
    schema = client_as(world.wuxing_staff).get("/api/v1/openapi.json").json()
    assert "Error" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"400", "401", "403", "404", "409", "422", "429"} <= documented, (path, method)
