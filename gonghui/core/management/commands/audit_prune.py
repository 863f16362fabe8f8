from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from gonghui.core.audit import audit_prune


class Command(BaseCommand):
    help = "删除超过保存期限的审计日志（默认 GONGHUI_AUDIT_RETENTION_DAYS=180 天）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.GONGHUI_AUDIT_RETENTION_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        removed = audit_prune(retention_days=options["days"])
        self.stdout.write(f"已删除 {removed} 条超过 {options['days']} 天的审计日志。")
