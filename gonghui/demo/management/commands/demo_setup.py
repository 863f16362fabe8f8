from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.demo.plan import SCALES
from gonghui.demo.services import demo_setup


class Command(BaseCommand):
    help = "准备演示环境：行政区划、工会组织树、演示数据和演示账号（可重复运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", default=settings.GONGHUI_CITY_CODE)
        parser.add_argument("--scale", default="small", choices=list(SCALES))
        parser.add_argument("--seed", type=int, default=2023)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_setup(
                city_code=options["city"], scale=options["scale"], seed=options["seed"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        regions = result["regions"]
        data = result["data"]
        self.stdout.write(
            f"行政区划：区县 {regions.get('county', 0)} 个，乡镇（街道） {regions.get('township', 0)} 个；"
            f"新建工会 {sum(result['unions'].values()) + result['grassroots']} 个。"
        )
        self.stdout.write(
            f"演示数据：新增企业 {data.enterprises} 家，会员 {data.members} 人，"
            f"应建未建任务 {data.formation_tasks} 个；导入样例表格在 var/samples/。"
        )
        if result["counseling_sessions"]:
            self.stdout.write(f"心理咨询：上半年咨询 {result['counseling_sessions']} 人次。")
        self.stdout.write("\n演示账号（密码保存在 var/demo-logins.json）：")
        for row in result["logins"]:
            self.stdout.write(f"  {row['username']:<18} {row['password']:<20} {row['note']}")
