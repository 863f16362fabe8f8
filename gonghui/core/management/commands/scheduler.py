import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gonghui.core.periodic import periodic_tick


class Command(BaseCommand):
    help = "按周期把定时任务（如公示期满自动通过）放入任务队列；--once 只检查一次。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=30.0, help="检查间隔（秒）")
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            started = periodic_tick()
            if started and options["verbosity"] > 1:
                self.stdout.write("已排队：" + "、".join(started))
            if options["once"]:
                return
            time.sleep(options["interval"])
