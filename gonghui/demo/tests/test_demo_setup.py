"""The demo's setup command and its sites in configured township shapes: each builds its own
data (the tiny demo shared by test_demo_data.py would be in the way)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management import call_command
from pytest_django.fixtures import Settings

from gonghui.care.models import CounselingSession
from gonghui.core.models import User
from gonghui.demo.services import demo_setup
from gonghui.members.models import Member
from gonghui.orgs.models import Union
from gonghui.orgs.services import regions_load, union_tree_build
from gonghui.sites.models import Site

CITY = "3305"


def test_demo_setup_uses_the_generator_and_places_the_demo_users(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    result = demo_setup(city_code=CITY, scale="tiny")
    assert result["data"].members == Member.objects.count() > 0
    assert (tmp_path / "samples" / "members_sample.xlsx").exists()
    chair = User.objects.get(username="grassroots_chair")
    assert chair.union is not None and chair.union.code == "3305020010001"
    assert User.objects.get(username="township_staff").union.code == "330502001"
    counselor = User.objects.get(username="counselor")
    assert (counselor.role, counselor.union.code) == ("counselor", "330502")
    sessions = CounselingSession.objects.filter(counselor=counselor)
    assert result["counseling_sessions"] == sessions.count() > 0
    # The portal's demo workers: bound by activation codes, logging in with their phones.
    from gonghui.portal.models import WorkerAccount

    phones = [row["username"] for row in result["logins"] if row["username"].startswith("137")]
    assert phones == ["13700000001", "13700000002"]
    assert WorkerAccount.objects.count() == 2
    out = io.StringIO()
    call_command("demo_setup", "--scale", "tiny", stdout=out)
    assert "新建工会 0 个" in out.getvalue() and "会员 0 人" in out.getvalue()


def test_demo_sites_stand_inside_their_townships_shape_when_the_shapes_are_configured(
    db: None, tmp_path: Path, settings: Settings
) -> None:
    import random

    from gonghui.demo.shapes import inside, point_in_county
    from gonghui.demo.sites import sites_demo_write

    regions_load(city_code=CITY)
    union_tree_build(city_code=CITY)
    townships = list(Union.objects.filter(level=Union.Level.TOWNSHIP, code__startswith="330502"))
    # A small square for each of Wuxing's townships (12-digit codes, as DataV writes them).
    rng = random.Random(1)
    squares = {}
    for t in townships:
        lng, lat = point_in_county(rng, "330502") or (0.0, 0.0)
        squares[t.code] = [(lng, lat), (lng + 0.01, lat), (lng + 0.01, lat + 0.01), (lng, lat)]
    features = [
        {
            "type": "Feature",
            "properties": {"adcode": code + "000"},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
        }
        for code, ring in squares.items()
    ]
    shapes = tmp_path / "townships.geojson"
    shapes.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    settings.GONGHUI_TOWNSHIP_SHAPES = str(shapes)
    city = Union.objects.get(code=CITY)
    sites_demo_write(
        city=city, goal={"outdoor_stations_new": 5}, members=500_000, seed=7, log=lambda _: None
    )
    wuxing = list(Site.objects.filter(union__code__startswith="330502").select_related("union"))
    assert len({s.union_id for s in wuxing}) > 5
    for site in wuxing:
        assert inside(squares[site.union.code], site.gcj_lng, site.gcj_lat), site.code
