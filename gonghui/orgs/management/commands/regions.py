from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.orgs.services import regions_load, union_tree_build


class Command(BaseCommand):
    help = "行政区划：gonghui regions load --city 3305 [--build-unions]"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="从 china-division 导入一个城市的区县和乡镇（街道）")
        load.add_argument("--city", required=True, help="城市区划代码，例如 3305（湖州市）")
        load.add_argument(
            "--build-unions",
            action="store_true",
            help="同时建立市、区县、乡镇（街道）三级工会组织树",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = regions_load(city_code=options["city"])
            self.stdout.write(
                f"行政区划：市 {counts.get('city', 0)} 个，区县 {counts.get('county', 0)} 个，"
                f"乡镇（街道） {counts.get('township', 0)} 个。"
            )
            if options["build_unions"]:
                added = union_tree_build(city_code=options["city"])
                self.stdout.write(f"工会组织树：新建 {sum(added.values())} 个工会。")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
