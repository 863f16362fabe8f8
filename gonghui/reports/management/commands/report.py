"""`gonghui report dispatch|half-year|quarter|annual|programme …`: the reports from the command line. Each subcommand
is implemented beside the report it prints (dispatch_export.py, narrative.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "报表：每月调度表（dispatch）、季度展示（quarter）、半年汇报（half-year）、年度总结（annual）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True)
        dispatch = sub.add_parser("dispatch", help="每月一调度：指标调度表")
        dispatch.add_argument("--union", required=True, help="工会代码")
        dispatch.add_argument("--month", required=True, help="月份，如 2023-06")
        dispatch.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        dispatch.add_argument("-o", "--output", help="写出 .xlsx 文件")
        for name, label in (
            ("half-year", "半年一汇报：工作汇报（.docx）"),
            ("quarter", "季度一展示（.docx）"),
            ("annual", "年度一总结（.docx）"),
        ):
            report = sub.add_parser(name, help=label)
            report.add_argument("--union", required=True, help="工会代码")
            report.add_argument("--year", required=True, type=int)
            if name == "quarter":
                report.add_argument("--quarter", required=True, type=int, help="季度：1至4")
            report.add_argument("-o", "--output", required=True, help="写出 .docx 文件")
        programme = sub.add_parser("programme", help="多年工作计划：载入计划和目标（JSON）")
        programme.add_argument("--load", required=True, help="计划文件（JSON）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"] == "dispatch":
            from gonghui.reports.dispatch_export import dispatch_command

            dispatch_command(self, options)
        elif options["report"] in ("half-year", "quarter", "annual"):
            from gonghui.reports.narrative import narrative_command

            narrative_command(self, options)
        elif options["report"] == "programme":
            from gonghui.reports.programmes import programme_command

            programme_command(self, options)
        else:  # pragma: no cover - argparse refuses other names
            raise CommandError(options["report"])
