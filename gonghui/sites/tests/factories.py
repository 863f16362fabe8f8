from __future__ import annotations

import datetime

import factory

from gonghui.sites.models import Site, SiteKind


class SiteFactory(factory.django.DjangoModelFactory):
    """A station in 月河's part of Huzhou (GCJ-02), open since June 2023."""

    class Meta:
        model = Site

    code = factory.Sequence(lambda n: f"ZD{n:05d}")
    name = factory.Sequence(lambda n: f"户外劳动者服务站点{n}")
    kind = SiteKind.OUTDOOR_STATION
    lng = factory.LazyAttribute(lambda s: s.gcj_lng)
    lat = factory.LazyAttribute(lambda s: s.gcj_lat)
    gcj_lng = 120.093
    gcj_lat = 30.871
    hours = "08:00-20:00"
    opened_on = datetime.date(2023, 6, 15)
