from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "备份数据库、上传文件和附件到一个新目录，附带行数与校验值清单（不含密钥）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="备份目录（须为新目录或空目录）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup_write(Path(options["output"]), say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
