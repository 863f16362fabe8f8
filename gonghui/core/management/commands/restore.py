from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "把 gonghui backup 的备份恢复到空数据库：先核对清单与密钥，恢复后逐表核对行数"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="备份目录")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup_restore(Path(options["directory"]), say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
