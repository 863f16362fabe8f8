from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.keys import KeyRotationError, keys_rotate


class Command(BaseCommand):
    help = (
        "轮换个人信息加密密钥：在密钥文件中加入新密钥并把全部密文重新加密到它；"
        "重启各服务后用 --retire 删除不再使用的旧密钥"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reencrypt-only",
            action="store_true",
            help="不加新密钥，只把不在当前密钥下的密文重新加密",
        )
        parser.add_argument(
            "--retire", action="store_true", help="只重新加密并删除不再使用的旧密钥（不加新密钥）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            keys_rotate(
                new_key=not (options["reencrypt_only"] or options["retire"]),
                retire=options["retire"],
                say=self.stdout.write,
            )
        except KeyRotationError as exc:
            raise CommandError(str(exc)) from exc
