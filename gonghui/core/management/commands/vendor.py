from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gonghui.core.vendor import vendor_copy


class Command(BaseCommand):
    help = "把页面所需的前端文件从 node_modules 复制到静态文件目录（不使用 CDN）"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = vendor_copy()
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已复制 {len(written)} 项前端文件。")
