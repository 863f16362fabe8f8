from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.startmodule import (
    module_spec,
    module_tidy,
    module_write,
    project_paths,
    settings_register,
)


class Command(BaseCommand):
    help = (
        "按项目约定生成一个新模块（模型、服务、查询、权限、页面、菜单、接口、指标、导入表和测试）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="模块名（应用标签与网址前缀），如 visits")
        parser.add_argument("--entity", default="", help="模型类名，如 Visit（默认由模块名得出）")
        parser.add_argument("--title", default="", help="页面上的名称，如 走访记录")
        parser.add_argument("--area", default="activities", help="菜单区域（默认 activities）")
        parser.add_argument("--dest", default="", help="写到此目录（默认 gonghui/<name>）")
        parser.add_argument("--package", default="", help="包名（默认 gonghui.<name>）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            spec = module_spec(
                options["name"],
                entity=options["entity"],
                title=options["title"],
                area=options["area"],
                package=options["package"],
            )
            default_dest, settings_file = project_paths(spec)
            dest = Path(options["dest"]) if options["dest"] else default_dest
            written = module_write(spec, dest)
            tidy = module_tidy(dest)
            installed = not options["dest"] and settings_register(spec, settings_file)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已生成模块 {spec.package}（{len(written)} 个文件）：{dest}")
        if not tidy:
            self.stdout.write(
                "未能用 ruff 整理导入顺序和行宽（开发工具未安装？），请手动运行 make lint。"
            )
        if installed:
            self.stdout.write(f"已加入 INSTALLED_APPS：{settings_file}")
        tokens = spec.tokens
        factory = f"{tokens['Entity']}Factory"
        self.stdout.write(
            "下一步：\n"
            "1. 在 pyproject.toml 的导入约束（layers、no-demo、acyclic）中列出该模块；\n"
            "2. 在 gonghui/core/tests/test_scoping_routes.py 的 SAMPLES 中加入其对象（吴兴区的），如：\n"
            f'    "{tokens["entity"]}_id": lambda w: str({factory}.create(union=w.yuehe).pk),\n'
            f"   （from {spec.package}.tests.factories import {factory}）；\n"
            "3. 运行 make check。"
        )
