"""`gonghui care load-batch FILE.json` (idempotent by code), `gonghui care attend --batch CODE
FILE` (who attended; idempotent) and `gonghui care allocate --batch CODE [--dry-run]
[--json]`: a recuperation batch's places allocated by the rule."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.care.services.recuperation import batch_allocate, batch_load
from gonghui.care.sheets.recuperation import attendance_import, batch_named, batch_owner
from gonghui.core.management.scope import resolve_scope


class Command(BaseCommand):
    help = "职工疗休养：载入批次、按规则分配名额、登记参加人员"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-batch", help="从 JSON 文件载入（或更新）一个疗休养批次")
        load.add_argument("file", type=Path)
        load.add_argument("--user", help="以哪个账号的身份载入（默认：服务器操作员）")
        load.add_argument("--json", action="store_true")
        allocate = sub.add_parser("allocate", help="按规则分配一个批次的名额")
        allocate.add_argument("--batch", required=True, help="批次编号")
        allocate.add_argument("--dry-run", action="store_true", help="只计算，不保存")
        allocate.add_argument(
            "--user",
            help="以哪个账号的身份分配（市总工会审核人员可直接录取；默认：服务器操作员，只记录排名）",
        )
        allocate.add_argument("--json", action="store_true")
        attend = sub.add_parser("attend", help="登记一个批次的参加人员（身份证号一列的表格）")
        attend.add_argument("--batch", required=True, help="批次编号")
        attend.add_argument("file", type=Path)
        attend.add_argument("--user", help="以哪个账号的身份登记（默认：服务器操作员）")
        attend.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            {"load-batch": self._load, "allocate": self._allocate, "attend": self._attend}[
                options["action"]
            ](options)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            if options.get("json"):
                self.stdout.write(json.dumps({"error": messages}, ensure_ascii=False))
                sys.exit(2)
            raise CommandError("；".join(messages)) from exc

    def _load(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"不是有效的 JSON 文件：{exc}") from exc
        code = str(data.get("union") or "") if isinstance(data, dict) else ""
        actor, _ = resolve_scope(code, options.get("user"))
        loaded = batch_load(actor=actor, data=data)
        b = loaded.batch
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"batch": b.code, "id": b.pk, "outcome": loaded.outcome}, ensure_ascii=False
                )
            )
            return
        said = {"created": "已载入", "updated": "已更新", "unchanged": "未变"}[loaded.outcome]
        self.stdout.write(f"疗休养批次 {b.code}（{b.base.name}）：{said}。")

    def _scoped(self, options: dict[str, Any]) -> Any:
        union = batch_owner(options["batch"])
        if union is None:
            raise CommandError(f"没有编号为 {options['batch']} 的疗休养批次")
        actor, _ = resolve_scope(union.code, options.get("user"))
        return actor, union

    def _allocate(self, options: dict[str, Any]) -> None:
        actor, _ = self._scoped(options)
        batch = batch_named(actor=actor, code=options["batch"])
        plan = batch_allocate(actor=actor, batch=batch, dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(plan.as_dict(), ensure_ascii=False))
            return
        out = plan.as_dict()
        self.stdout.write(
            f"批次 {batch.code}：名额 {batch.places}，待分配申请 {plan.applications} 份，"
            f"获分配 {len(out['allocated'])} 人，未获分配 {len(out['refused'])} 人"
            + ("（试算，未保存）" if options["dry_run"] else "")
        )
        for entry in out["refused"]:
            self.stdout.write(f"  第 {entry['row']} 行：{entry['reason']}")

    def _attend(self, options: dict[str, Any]) -> None:
        actor, union = self._scoped(options)
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        report = attendance_import(
            actor=actor, union=union, path=path, dry_run=False, batch=options["batch"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(
                f"登记参加：新增 {report.created}，已登记 {report.unchanged}，错误 {len(report.errors)}"
            )
            for e in report.errors:
                self.stdout.write(f"  第 {e.row} 行 {e.column}：{e.message}")
        if not report.committed:
            sys.exit(1)
