"""How the narrative reports write numbers: the way the seed half-year report writes them.

Prose (``write``), for a value in the indicator's unit:

* Counts (家, 人, 人次, 个 …) below 10,000 are digits without separators: 179家, 6473人.
* Counts of 10,000 or more are written in 万 with at most two decimals, cut (never rounded
  up: a report must not claim more than was done), trailing zeros dropped, and 余 after 万
  when the cut removed anything: 15,000 → 1.5万, 15,234 → 1.52万余, 21,100 → 2.11万,
  22,050 → 2.2万余, 191,200 → 19.12万. (The seed's "1.5万余人" is our 1.5x万余人.)
* Money (元, 万元) of 10,000 yuan or more is written in 万元 by the same rule:
  40,311,100 → 4031.11万元, 12,413,456.78 → 1241.34万余元, 3,450,000 → 345万元. Below
  10,000 yuan it stays in 元, trailing zeros of the cents dropped: 5000元, 1234.5元.
* Percentages and days have at most one decimal, rounded half up, a trailing .0 dropped:
  8.0 → 8%, 82.94 → 82.9%, 82.95 → 83%; 27.0 → 27天.

Table cells (``cell``) are exact rather than readable, the unit being in its own column:
counts as whole digits, money in 万元 with two decimals (rounded half up; the unit column
says 万元), percentages and days with one decimal (82.9, 8.0); ``percent_cell`` adds the %
sign for the rate columns (完成率, 序时进度) that have no unit column. A missing value is
written "—" everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

WAN = Decimal(10000)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
MONEY_UNITS = ("元", "万元")
ONE_DECIMAL_UNITS = ("%", "天")
MISSING = "—"


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _plain(value: Decimal) -> str:
    """Fixed-point digits, trailing zeros (and a bare point) dropped: 4031.10 → 4031.1."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _in_wan(value: Decimal) -> str:
    """A non-negative amount of 10,000 or more in 万, cut to two decimals, 余 if cut."""
    shown = (value / WAN).quantize(CENT, rounding=ROUND_DOWN)
    return _plain(shown) + ("万余" if shown * WAN < value else "万")


def _count(value: Decimal) -> str:
    return _in_wan(value) if value >= WAN else _plain(value)


def _yuan(value: Decimal) -> str:
    if value >= WAN:
        return _in_wan(value) + "元"  # 4031.11万元, 1241.34万余元
    return _plain(value.quantize(CENT, rounding=ROUND_HALF_UP)) + "元"


def write(value: Any, unit: str = "") -> str:
    """A value of an indicator, in ``unit``, written as the seed writes it (with the unit;
    money is given in 元 or 万元, whichever it reads in)."""
    if value is None:
        return MISSING
    number = _decimal(value)
    if number < 0:
        return "-" + write(-number, unit)
    if unit in MONEY_UNITS:
        return _yuan(number * WAN if unit == "万元" else number)
    if unit in ONE_DECIMAL_UNITS:
        return _plain(number.quantize(TENTH, rounding=ROUND_HALF_UP)) + unit
    return _count(number) + unit


def table_unit(unit: str) -> str:
    """The unit a table column states: money is tabled in 万元."""
    return "万元" if unit in MONEY_UNITS else unit


def cell(value: Any, unit: str = "") -> str:
    """A value in a table cell: exact, in the column's ``table_unit`` (the unit is not
    repeated, except for percentages)."""
    if value is None:
        return MISSING
    number = _decimal(value)
    if unit in MONEY_UNITS:
        wan = number if unit == "万元" else number / WAN
        return f"{wan.quantize(CENT, rounding=ROUND_HALF_UP):f}"
    if unit in ONE_DECIMAL_UNITS:
        return f"{number.quantize(TENTH, rounding=ROUND_HALF_UP):f}"
    return _plain(number)


def percent_cell(value: Any) -> str:
    """A rate in a column without a unit (完成率, 序时进度): one decimal and the % sign."""
    return MISSING if value is None else cell(value, "%") + "%"


# --- Lights (亮灯) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Light:
    """How a progress light is shown everywhere: its word, the page's class (a background
    with a contrasting text colour, for badges and dots), and the cell fill and text colour
    of the Excel and Word tables (Excel's own good / neutral / bad styles)."""

    label: str
    css: str
    fill: str
    text: str


LIGHTS: dict[str, Light] = {
    "green": Light("绿灯", "text-bg-success", "C6EFCE", "006100"),
    "yellow": Light("黄灯", "text-bg-warning", "FFEB9C", "9C5700"),
    "red": Light("红灯", "text-bg-danger", "FFC7CE", "9C0006"),
}


def light_label(light: str | None, missing: str = "") -> str:
    return LIGHTS[light].label if light in LIGHTS else missing


def light_css(light: str | None) -> str:
    return LIGHTS[light].css if light in LIGHTS else ""


# --- Pages ---------------------------------------------------------------------------------


def yuan(value: Any) -> str:
    """An amount as every page shows it: thousands separated, two decimals ("12,345.60");
    "" for nothing, and anything that is not a number as it is."""
    if value is None or value == "":
        return ""
    try:
        return f"{_decimal(value):,.2f}"
    except InvalidOperation:
        return str(value)


def ratio_percent(ratio: Any) -> str:
    """A ratio of a plan's terms as a percentage, exactly: 0.5 → "50%", 0.375 → "37.5%"."""
    return f"{(_decimal(ratio) * 100).normalize():f}%"


def percent_one(value: Decimal | None) -> str:
    """A rate of the dispatch table (完成率, 序时进度): one decimal and the % sign."""
    return MISSING if value is None else f"{value:.1f}%"


def percent_signed(value: Decimal | None) -> str:
    """同比 of a count or an amount: signed, in percent of last year's value."""
    if value is None:
        return MISSING
    return f"+{value:.1f}%" if value > 0 else f"{value:.1f}%"


def points_signed(value: Decimal | None) -> str:
    """A difference of two rates (差值 against 序时进度, 同比 of a rate): signed, in
    percentage points (个百分点), as official writing states it."""
    if value is None:
        return MISSING
    return f"+{value:.1f}个百分点" if value > 0 else f"{value:.1f}个百分点"


def change_signed(value: Decimal | None, unit: str) -> str:
    """同比 as the indicator's unit asks: points for a rate, percent for the rest."""
    return points_signed(value) if unit == "%" else percent_signed(value)
