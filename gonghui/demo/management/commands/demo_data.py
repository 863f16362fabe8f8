from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.demo.generate import demo_data_generate
from gonghui.demo.plan import SCALES


class Command(BaseCommand):
    help = (
        "生成演示数据（企业、基层工会、会员、集中入会、应建未建任务和导入样例表格）："
        "同一种子结果相同，可重复运行"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", default=settings.GONGHUI_CITY_CODE)
        parser.add_argument("--scale", default="small", choices=list(SCALES))
        parser.add_argument("--seed", type=int, default=2023)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_data_generate(
                city_code=options["city"],
                scale=options["scale"],
                seed=options["seed"],
                log=self.stdout.write,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"演示数据（{result.scale}，种子 {result.seed}）：新建基层工会 {result.unions} 个，"
            f"企业 {result.enterprises} 家，会员 {result.members} 人，"
            f"集中入会活动 {result.mass_enrollments} 场，应建未建任务 {result.formation_tasks} 个；"
            f"用时 {result.seconds:.1f} 秒。"
        )
