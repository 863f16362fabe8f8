"""`gonghui indicators_doc [-o FILE] [--check]`: write docs/indicators.md from the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.reports.docs import (
    REGENERATE,
    default_doc_path,
    indicators_doc_write,
    indicators_markdown,
)


class Command(BaseCommand):
    help = "根据指标注册表生成指标清单（docs/indicators.md）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", type=Path, help="写到哪个文件（默认：项目的 docs/indicators.md）"
        )
        parser.add_argument(
            "--check", action="store_true", help="只检查文件是否与注册表一致，不一致时返回非零"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["output"] or default_doc_path()
        if options["check"]:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != indicators_markdown():
                raise CommandError(f"{path} 与指标注册表不一致，请运行 {REGENERATE} 重新生成。")
            self.stdout.write(f"{path} 与指标注册表一致。")
            return
        written = indicators_doc_write(path)
        self.stdout.write(f"已写入 {written}")
