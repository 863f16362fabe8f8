from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.indicators.check import facts_check
from gonghui.core.indicators.facts import (
    facts_drain,
    facts_rebuild,
    triggers_install,
)
from gonghui.core.indicators.periods import Period
from gonghui.orgs.models import Union


class Command(BaseCommand):
    help = "指标事实表：rebuild 全部重算；drain 处理待办变更；check 与实时统计逐项核对"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "drain", "check", "triggers"])
        parser.add_argument("--union", default="", help="核对的工会代码（默认市总工会）")
        parser.add_argument("--year", type=int, default=0, help="核对的年份（默认今年和去年）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rebuild":
            self.stdout.write(f"已重算，写入 {facts_rebuild()} 条事实。")
        elif action == "drain":
            self.stdout.write(f"已处理 {facts_drain()} 条变更记录。")
        elif action == "triggers":
            tables = triggers_install()
            self.stdout.write(f"已在 {len(tables)} 张表上安装触发器：{', '.join(tables)}")
        else:
            self._check(options["union"], options["year"])

    def _check(self, code: str, year: int) -> None:
        from gonghui.core.dates import report_today

        union = (
            Union.objects.filter(code=code).first()
            if code
            else Union.objects.filter(depth=1).order_by("path").first()
        )
        if union is None:
            raise CommandError(f"没有代码为“{code}”的工会。")
        years = [year] if year else [report_today().year - 1, report_today().year]
        periods = [
            p
            for y in years
            for p in (
                [Period.month(y, m) for m in range(1, 13)]
                + [Period.quarter(y, q) for q in range(1, 5)]
                + [Period.half(y, 1), Period.half(y, 2), Period.year(y)]
            )
        ]
        differences = facts_check(union, periods)
        for line in differences:
            self.stdout.write(line)
        if differences:
            raise CommandError(f"{len(differences)} 处不一致。")
        self.stdout.write(f"{union.name}：事实表与实时统计一致（{len(periods)} 个期间）。")
