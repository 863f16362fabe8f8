"""`gonghui aid …`: the aid app's commands, as a group."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.aid.services.plans import plan_load_file
from gonghui.core.actors import Actor, SystemActor
from gonghui.core.models import User

STATUS = {"created": "已新建", "updated": "已更新", "unchanged": "未变化"}


class Command(BaseCommand):
    help = "职工医疗互助：gonghui aid load-plan FILE [--json]"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load-plan", help="从 JSON 文件导入或更新一个互助方案（按方案代码，可重复执行）"
        )
        load.add_argument("file", type=Path, help="方案 JSON 文件")
        load.add_argument("--user", help="以哪个账号的身份操作（默认：服务器操作员）")
        load.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load-plan":
            self.load_plan(options)

    def load_plan(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        # The operator on the server loads any plan; a named user only their union's.
        actor: Actor = SystemActor(None)
        if options.get("user"):
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"用户 {options['user']} 不存在或已停用")
            actor = user
        try:
            result = plan_load_file(actor=actor, path=path)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            if options["json"]:
                self.stdout.write(json.dumps({"error": messages}, ensure_ascii=False))
                sys.exit(2)
            raise CommandError("；".join(messages)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        plan = result.plan
        line = f"{STATUS[result.status]}互助方案 {plan.code}（{plan.name}），举办工会：{plan.union.name}。"
        if result.changed:
            line += f"修改了：{'、'.join(result.changed)}。"
        self.stdout.write(line)
