from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.actors import is_operator
from gonghui.core.management.scope import resolve_scope
from gonghui.core.sheets.registry import sheet_entries


class Command(BaseCommand):
    help = "导出表格：gonghui export members --union CODE -o FILE"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sheet")
        parser.add_argument("--union", required=True)
        parser.add_argument("--user", help="以哪个账号的身份导出（默认：服务器操作员）")
        parser.add_argument("-o", "--output", required=True, type=Path)
        parser.add_argument(
            "--reveal",
            action="store_true",
            help="导出完整身份证号和手机号（须以有权限的账号 --user 运行）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        entries = sheet_entries()
        entry = entries.get(options["sheet"].replace("_", "-")) or entries.get(options["sheet"])
        if entry is None:
            raise CommandError(
                f"没有名为 {options['sheet']} 的表格，可用：{'、'.join(sorted(entries))}"
            )
        actor, union = resolve_scope(options["union"], options.get("user"))
        if options["reveal"] and is_operator(actor):
            raise CommandError("导出完整个人信息须以有权限的账号运行：请加 --user 用户名")
        try:
            count = entry.export_service(
                actor=actor, union=union, path=options["output"], reveal=options["reveal"]
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已导出 {count} 行到 {options['output']}")
