"""docs/indicators.md is generated from the registry and committed: it must say what the
registry says now."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gonghui.core.indicators.registry import indicators
from gonghui.reports.docs import REGENERATE, default_doc_path, indicators_markdown


def test_committed_document_matches_the_registry() -> None:
    committed = default_doc_path().read_text(encoding="utf-8")
    assert committed == indicators_markdown(), (
        f"docs/indicators.md is out of date with the indicator registry: run `{REGENERATE}` "
        "and commit the result."
    )


def test_document_lists_every_indicator_with_its_seed_figure() -> None:
    text = indicators_markdown()
    for indicator in indicators():
        line = next(row for row in text.splitlines() if row.startswith(f"| `{indicator.key}` |"))
        assert indicator.label in line and indicator.seed in line


def test_document_names_the_kinds_in_chinese() -> None:
    text = indicators_markdown()
    assert "| `members_new` | 新发展会员 | 人 | 期间流量 |" in text
    assert "| `members_end` | 期末会员数 | 人 | 期末存量 |" in text
    assert "| 比率（已建会规上企业 ÷ 规上企业） |" in text


def test_document_has_a_section_per_area() -> None:
    headings = [line for line in indicators_markdown().splitlines() if line.startswith("## ")]
    assert headings == [
        "## 组织建设",
        "## 会员发展",
        "## 服务保障",
        "## 思想引领与职工文化",
        "## 就业帮扶与协作",
        "## 调研督导",
        "## 阵地建设",
        "## 技能提升",
        "## 能级工资与民主管理",
    ]


def test_command_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "indicators.md"
    call_command("indicators_doc", "-o", str(out))
    assert out.read_text(encoding="utf-8") == indicators_markdown()


def test_command_check_fails_on_a_stale_document(tmp_path: Path) -> None:
    out = tmp_path / "indicators.md"
    out.write_text("# 旧的指标清单\n", encoding="utf-8")
    with pytest.raises(CommandError, match=REGENERATE):
        call_command("indicators_doc", "-o", str(out), "--check")
