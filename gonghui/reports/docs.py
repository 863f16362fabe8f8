"""docs/indicators.md, written from the indicator registry: what each indicator counts and
which figure of the seed half-year report it stands for. Regenerate with
``uv run gonghui indicators_doc`` whenever an indicator is added or changed; a test fails
while the committed file and the registry disagree."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from gonghui.core.indicators.registry import Indicator, indicator_get, indicators, sections

DOC_PATH = Path("docs") / "indicators.md"
REGENERATE = "uv run gonghui indicators_doc"

KIND_LABELS = {"flow": "期间流量", "stock": "期末存量", "ratio": "比率"}

INTRO = f"""\
# 指标清单

> 本文件由 `{REGENERATE}` 根据指标注册表（各应用的 `indicators.py`）生成，请勿手工编辑；
> 增加或修改指标后请重新生成。

每个指标只声明一次，驾驶舱、每月一调度、季度一展示、半年一汇报都取自同一注册表，
同一指标、同一期间在任何页面上的数字都相同。

- **期间流量**：按业务日期（入会日期、成立日期、发放日期等，而非录入时间）统计期间内发生的数，
  期间可为月、季度、半年、年、1—N月累计或任意日期段，日期按北京时间（Asia/Shanghai）。
- **期末存量**：期末那一天的数。
- **比率**：两个指标之比，由两者的合计计算，不由下级比率平均。

上级工会的数值由同一查询的全部记录得出（金额为未经舍入的合计，中位数为全部记录的中位数），
不是把下级已舍入的数字相加。“对应半年报数字”指湖州市总工会2023年上半年工作材料（种子文档）中的数字；
带括号的是说明，表示半年报未直接给出该数字。
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip() or "—"


def _kind(indicator: Indicator) -> str:
    if indicator.kind == "ratio":
        top = indicator_get(indicator.numerator)
        bottom = indicator_get(indicator.denominator)
        return f"比率（{top.label} ÷ {bottom.label}）"
    return KIND_LABELS[indicator.kind]


def _how(indicator: Indicator) -> str:
    parts = [indicator.counts]
    if indicator.combine == "median":
        parts.append("上级数值为全部记录的中位数。")
    if indicator.breakdown_label and "细分" not in indicator.counts:
        parts.append(f"可按{indicator.breakdown_label}细分。")
    if indicator.better == "lower":
        parts.append("数值越低越好（排名由低到高）。")
    return "".join(p for p in parts if p)


def indicators_markdown() -> str:
    """The whole of docs/indicators.md, from the registry as it is now."""
    lines = [INTRO]
    chosen = indicators()
    for section in [s.name for s in sections()]:
        rows = [i for i in chosen if i.section == section]
        if not rows:
            continue
        lines += [
            f"## {section}",
            "",
            "| 指标代码 | 名称 | 单位 | 类型 | 统计口径 | 对应半年报数字 |",
            "|---|---|---|---|---|---|",
        ]
        for i in rows:
            lines.append(
                f"| `{i.key}` | {_cell(i.label)} | {_cell(i.unit)} | {_cell(_kind(i))} "
                f"| {_cell(_how(i))} | {_cell(i.seed)} |"
            )
        lines.append("")
    lines.append(f"共 {len(chosen)} 个指标。")
    return "\n".join(lines) + "\n"


def default_doc_path() -> Path:
    return Path(settings.BASE_DIR) / DOC_PATH


def indicators_doc_write(path: Path | None = None) -> Path:
    """Write the document (by default docs/indicators.md of the project); returns where."""
    target = path or default_doc_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(indicators_markdown(), encoding="utf-8")
    return target
