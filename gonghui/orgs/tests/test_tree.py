from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.conftest import World
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Region, Union
from gonghui.orgs.selectors import union_breadcrumbs
from gonghui.orgs.services import regions_load, union_create, union_tree_build
from gonghui.orgs.tests.factories import UnionFactory


def test_regions_of_huzhou_load_with_real_codes_and_names(db: None) -> None:
    counts = regions_load(city_code="3305")
    assert counts == {"city": 1, "county": 5, "township": 72}
    counties = dict(Region.objects.filter(level="county").values_list("code", "name"))
    assert counties == {
        "330502": "吴兴区",
        "330503": "南浔区",
        "330521": "德清县",
        "330522": "长兴县",
        "330523": "安吉县",
    }
    assert Region.objects.get(code="330502100").name == "织里镇"


def test_regions_load_twice_changes_nothing(db: None) -> None:
    regions_load(city_code="3305")
    regions_load(city_code="3305")
    assert Region.objects.filter(level="township").count() == 72


def test_regions_command_builds_the_union_tree(db: None) -> None:
    call_command("regions", "load", "--city", "3305", "--build-unions")
    assert Union.objects.get(depth=1).name == "湖州市总工会"
    assert Union.objects.filter(level="county").count() == 5
    assert Union.objects.filter(level="township").count() == 72
    wuxing = Union.objects.get(code="330502")
    assert wuxing.name == "吴兴区总工会"
    assert Union.objects.filter(path__startswith=wuxing.path, depth=3).count() == 19


def test_union_tree_build_is_idempotent(db: None) -> None:
    regions_load(city_code="3305")
    first = union_tree_build(city_code="3305")
    second = union_tree_build(city_code="3305")
    assert first == {"city": 1, "county": 5, "township": 72}
    assert second == {}


def test_breadcrumbs_start_at_the_users_scope(world: World) -> None:
    crumbs = union_breadcrumbs(actor=world.wuxing_staff, union=world.wuxing_grassroots)
    assert [c.name for c in crumbs] == [
        "吴兴区总工会",
        "月河街道工会",
        world.wuxing_grassroots.name,
    ]


def test_tree_page_shows_children_with_counts(world: World, client_as) -> None:
    body = client_as(world.city_admin).get("/orgs/unions/3305/").content.decode()
    assert "吴兴区总工会" in body and "南浔区总工会" in body


def test_tree_entry_goes_to_the_users_own_union(world: World, client_as) -> None:
    response = client_as(world.township_staff).get("/orgs/unions/")
    assert response["Location"] == "/orgs/unions/330502001/"


def test_tree_page_query_count_does_not_grow_with_children(world: World, client_as) -> None:
    client = client_as(world.city_admin)
    client.get("/orgs/unions/330502001/")
    with CaptureQueriesContext(connection) as few:
        client.get("/orgs/unions/330502001/")
    for n in range(10):
        UnionFactory.create(parent=world.yuehe, code=f"33050200109{n:02d}")
    with CaptureQueriesContext(connection) as many:
        client.get("/orgs/unions/330502001/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_search_stays_inside_scope(world: World, client_as) -> None:
    body = client_as(world.nanxun_staff).get("/orgs/unions/330503/", {"q": "工会"}).content.decode()
    assert "南浔镇工会" in body
    assert "月河街道工会" not in body


def test_api_lists_only_unions_in_scope(world: World, client_as) -> None:
    data = client_as(world.wuxing_staff).get("/api/v1/unions").json()
    codes = {item["code"] for item in data["items"]}
    assert codes == {"330502", "330502001", "330502100", "3305020010001"}


def test_creating_a_grassroots_union_counts_it_in_every_ancestor(world: World) -> None:
    union = union_create(
        actor=world.township_staff,
        parent=world.zhili,
        code="3305021000001",
        name="织里童装产业联合工会",
        level=Union.Level.GRASSROOTS,
        kind=Union.Kind.JOINT,
    )
    counts = dict(Union.objects.values_list("code", "grassroots_count"))
    assert (counts["3305"], counts["330502"], counts["330502100"]) == (1, 1, 1)
    assert counts["330503"] == 0
    assert union.grassroots_count == 1
    assert AuditEvent.objects.filter(action="union.create", object_id=str(union.pk)).exists()
