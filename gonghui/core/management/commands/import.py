import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.management.scope import resolve_scope
from gonghui.core.sheets.registry import sheet_entries


class _StderrProgress:
    """Progress of a command-line import, a line per batch, for people and scripts."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.total = 0
        self.done = 0

    def set_total(self, total: int) -> None:
        self.total = total

    def advance(self, done: int = 1, failed: int = 0) -> None:
        self.done += done + failed
        self.out.write(f"已处理 {self.done} / 约 {self.total} 行")
        self.out.flush()


class Command(BaseCommand):
    help = "导入表格：gonghui import members FILE --union CODE [--dry-run] [--json]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sheet", help="表格名称：" + "、".join(sorted(sheet_entries())))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--union",
            help="导入到哪个工会（工会代码）；表格的选项指明所属工会时（如竞赛）可省略",
        )
        parser.add_argument("--user", help="以哪个账号的身份导入（默认：服务器操作员）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument(
            "--progress",
            action="store_true",
            help="在标准错误输出逐批打印进度（已处理 N / 约 M 行）",
        )
        seen: set[str] = set()
        for entry in sheet_entries().values():
            for option in entry.options:
                if option.name not in seen:
                    seen.add(option.name)
                    parser.add_argument(f"--{option.name}", help=option.help or option.label)

    @staticmethod
    def _owner_code(entry: Any, extra: dict[str, Any]) -> str:
        """The union of the record an option names, when --union is left out."""
        for option in entry.options:
            if option.owner is not None and extra[option.name]:
                union = option.owner(extra[option.name])
                if union is None:
                    raise CommandError(f"找不到{option.label} {extra[option.name]}")
                return str(union.code)
        raise CommandError("请用 --union 指定导入到哪个工会（工会代码）")

    def handle(self, *args: Any, **options: Any) -> None:
        entries = sheet_entries()
        name = options["sheet"].replace("_", "-")
        entry = entries.get(name) or entries.get(options["sheet"])
        if entry is None:
            raise CommandError(f"没有名为 {name} 的表格，可用：{'、'.join(sorted(entries))}")
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        extra = {o.name: options.get(o.name) for o in entry.options}
        missing = [f"--{o.name}" for o in entry.options if o.required and not extra[o.name]]
        if missing:
            raise CommandError(f"导入{entry.title}须指定 {'、'.join(missing)}")
        union_code = options["union"] or self._owner_code(entry, extra)
        actor, union = resolve_scope(union_code, options.get("user"))
        try:
            report = entry.import_service(
                actor=actor,
                union=union,
                path=path,
                dry_run=options["dry_run"],
                progress=_StderrProgress(self.stderr) if options["progress"] else None,
                **extra,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            if options["json"]:
                self.stdout.write(
                    json.dumps({"sheet": entry.name, "error": messages}, ensure_ascii=False)
                )
                sys.exit(2)
            raise CommandError("；".join(messages)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            mode = (
                "校验（未写入）"
                if options["dry_run"]
                else ("已导入" if report.committed else "未导入")
            )
            self.stdout.write(
                f"{entry.title}：{mode}。共 {report.rows} 行，有效 {report.valid}，错误 {report.invalid}；"
                f"新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}。"
            )
            for error in report.errors[:200]:
                self.stdout.write(f"  第 {error.row} 行 [{error.column}] {error.message}")
            if len(report.errors) > 200:
                self.stdout.write(f"  ……另有 {len(report.errors) - 200} 条错误")
        if not report.ok:
            sys.exit(1)
