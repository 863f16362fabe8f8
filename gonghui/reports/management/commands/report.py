"""`gonghui report dispatch|half-year …`: the reports from the command line. Each subcommand
is implemented beside the report it prints (dispatch_export.py, narrative.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "报表：每月调度表（dispatch）、半年工作汇报（half-year）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True)
        dispatch = sub.add_parser("dispatch", help="每月一调度：指标调度表")
        dispatch.add_argument("--union", required=True, help="工会代码")
        dispatch.add_argument("--month", required=True, help="月份，如 2023-06")
        dispatch.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        dispatch.add_argument("-o", "--output", help="写出 .xlsx 文件")
        half = sub.add_parser("half-year", help="半年一汇报：工作汇报（.docx）")
        half.add_argument("--union", required=True, help="工会代码")
        half.add_argument("--year", required=True, type=int)
        half.add_argument("-o", "--output", required=True, help="写出 .docx 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"] == "dispatch":
            from gonghui.reports.dispatch_export import dispatch_command

            dispatch_command(self, options)
        elif options["report"] == "half-year":
            from gonghui.reports.narrative import half_year_command

            half_year_command(self, options)
        else:  # pragma: no cover - argparse refuses other names
            raise CommandError(options["report"])
