"""`gonghui sites nearest --lng X --lat Y [--kind K] [--limit N] --json`: the open sites
nearest a point (GCJ-02), nearest first."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.sites.models import SiteKind
from gonghui.sites.selectors import sites_nearest


class Command(BaseCommand):
    help = "服务阵地：查找最近的站点"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        nearest = sub.add_parser("nearest", help="离某点最近的开放站点（GCJ-02 坐标）")
        nearest.add_argument("--lng", type=float, required=True)
        nearest.add_argument("--lat", type=float, required=True)
        nearest.add_argument("--kind", choices=SiteKind.values)
        nearest.add_argument("--limit", type=int, default=5)
        nearest.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1:
            raise CommandError("--limit 应为正整数")
        found = sites_nearest(
            lng=options["lng"], lat=options["lat"], kind=options["kind"], limit=options["limit"]
        )
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {"code": n.code, "name": n.name, "distance_m": round(n.distance_m)}
                        for n in found
                    ],
                    ensure_ascii=False,
                )
            )
            return
        for n in found:
            self.stdout.write(f"{n.code}\t{n.name}\t{round(n.distance_m)} 米")
