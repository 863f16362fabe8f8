"""`gonghui skills load-competition FILE.json` (idempotent by code) and `gonghui skills rank
--competition CODE [--json]`: a competition's entries ranked by the rule."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.management.scope import resolve_scope
from gonghui.skills.selectors import competition_by_code, competition_union
from gonghui.skills.services import competition_load, competition_ranking


class Command(BaseCommand):
    help = "技能竞赛：载入竞赛、计算名次"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-competition", help="从 JSON 文件载入（或更新）一场竞赛")
        load.add_argument("file", type=Path)
        load.add_argument("--user", help="以哪个账号的身份载入（默认：服务器操作员）")
        load.add_argument("--json", action="store_true")
        rank = sub.add_parser("rank", help="按规则计算一场竞赛的名次")
        rank.add_argument("--competition", required=True, help="竞赛编号")
        rank.add_argument("--user", help="以哪个账号的身份查看（默认：服务器操作员）")
        rank.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load-competition":
            self._load(options)
        else:
            self._rank(options)

    def _load(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"不是有效的 JSON 文件：{exc}") from exc
        code = str(data.get("union") or "") if isinstance(data, dict) else ""
        try:
            actor, _ = resolve_scope(code, options.get("user"))
            loaded = competition_load(actor=actor, data=data)
        except (ValidationError, PermissionDenied, CommandError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            if options["json"]:
                self.stdout.write(json.dumps({"error": messages}, ensure_ascii=False))
                sys.exit(2)
            raise CommandError("；".join(messages)) from exc
        c = loaded.competition
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"competition": c.code, "id": c.pk, "outcome": loaded.outcome},
                    ensure_ascii=False,
                )
            )
            return
        said = {"created": "已载入", "updated": "已更新", "unchanged": "未变"}[loaded.outcome]
        self.stdout.write(f"竞赛 {c.code}“{c.name}”：{said}。")

    def _rank(self, options: dict[str, Any]) -> None:
        code = options["competition"]
        union = competition_union(code)
        if union is None:
            raise CommandError(f"没有编号为 {code} 的竞赛")
        actor, _ = resolve_scope(union.code, options.get("user"))

        try:
            competition = competition_by_code(scope=actor, code=code)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        ranking = competition_ranking(competition)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "competition": competition.code,
                        "entries": len(ranking),
                        "ranked": [
                            {
                                "row": entry.row,
                                "final": f"{r.final:.2f}",
                                "rank": r.rank,
                                "title": r.title,
                                "prize": f"{r.prize:.2f}" if r.prize is not None else None,
                            }
                            for entry, r in ranking
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(f"{competition.name}（{competition.code}）：{len(ranking)} 名选手")
        for entry, r in ranking:
            marks = ("技术能手" if r.title else "") + (f" 奖金 {r.prize}" if r.prize else "")
            self.stdout.write(
                f"{r.rank:>4}  {entry.talent.name}  {r.final:.2f}  第 {entry.row} 行  {marks}"
            )
