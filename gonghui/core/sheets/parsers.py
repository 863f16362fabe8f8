"""Cell parsers: each turns one raw cell into a clean value or raises a Chinese message.

A parser receives what the reader produced (str from CSV; str, float, int, bool, date or
datetime from Excel) and never sees blank cells: the engine handles those.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

# Full-width ASCII variants (！ to ～) map to ASCII; the ideographic space to a space.
FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


def clean_text(value: Any) -> str:
    """A cell as trimmed text with full-width ASCII folded (numbers without a trailing .0)."""
    if value.__class__ is str and value.isascii():
        return SPACES.sub(" ", value).strip()  # nothing full-width to fold
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return SPACES.sub(" ", str(value).translate(FULL_WIDTH)).strip()


def is_blank(value: Any) -> bool:
    if value is None or value == "":
        return True
    # Most cells are plain non-blank text or numbers: only look closer at space-led strings.
    return isinstance(value, str) and not value[0].isalnum() and not SPACES.sub("", value)


def text(max_length: int = 128, min_length: int = 1) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        result = clean_text(value)
        if len(result) > max_length:
            raise ValidationError(f"不能超过{max_length}个字符", code="too_long")
        if len(result) < min_length:
            raise ValidationError(f"不能少于{min_length}个字符", code="too_short")
        return result

    return parse


# CJK unified ideographs with their extensions (rare characters such as 𠮷 are real names),
# 〇, Latin letters, spaces and the middle dot.
PERSON_NAME = re.compile(
    r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f〇A-Za-z· ]+$"
)
MIDDLE_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", "∙": "·"})


def person_name(value: Any) -> str:
    """2–30 characters: Chinese characters, letters, spaces and the middle dot only."""
    result = clean_text(value).translate(MIDDLE_DOTS)
    if not 2 <= len(result) <= 30:
        raise ValidationError("姓名应为2至30个字符", code="name_length")
    if not PERSON_NAME.match(result):
        raise ValidationError("姓名只能包含汉字、字母、空格和间隔号（·）", code="name_chars")
    return result


EXCEL_EPOCH = date(1899, 12, 30)
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# A time after the date, as CSV exports of datetime cells write it: ignored.
TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_date(value: Any) -> date:
    """An Excel date, an Excel serial number, or text such as 2023-06-01, 2023/6/1,
    2023.6.1, 2023年6月1日 or 20230601."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if 19000101 <= number <= 29991231 and number.is_integer():
            value = str(int(number))  # 20230601 typed as a number
        elif 1 <= number < 2958466:
            return EXCEL_EPOCH + timedelta(days=int(number))
        else:
            raise ValidationError("日期无效", code="date_invalid")
    raw = TIME_SUFFIX.sub("", clean_text(value))
    if raw.isdigit() and len(raw) <= 5:
        return parse_date(float(raw))  # an Excel serial number that arrived as text
    match = DATE_TEXT.match(raw) or DATE_COMPACT.match(raw)
    if not match:
        raise ValidationError("日期格式无法识别，请使用如 2023-06-01 的格式", code="date_format")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise ValidationError("日期无效", code="date_invalid") from exc


_today: tuple[float, date] = (0.0, date.min)


def local_today() -> date:
    """Today in the configured time zone, looked up at most once a minute (it runs per row)."""
    global _today
    now = time.monotonic()
    if now - _today[0] > 60:
        _today = (now, timezone.localdate())
    return _today[1]


def past_date(value: Any) -> date:
    """A date that is not in the future (business dates such as a join date)."""
    result = parse_date(value)
    if result > local_today():
        raise ValidationError("日期不能晚于今天", code="date_future")
    if result.year < 1900:
        raise ValidationError("日期无效", code="date_invalid")
    return result


def choice(options: Iterable[tuple[Any, str]], *aliases: tuple[str, Any]) -> Callable[[Any], Any]:
    """A coded column: the cell holds a label (or an alias, or the code itself)."""
    table: dict[str, Any] = {}
    labels = []
    # Keys are cleaned as the cells are, so a label with full-width characters such as
    # "乡镇（街道）" still matches once the cell's "（）" have been folded to "()".
    for code, label in options:
        table[clean_text(label)] = code
        table[clean_text(code)] = code
        labels.append(str(label))
    for alias, code in aliases:
        table[clean_text(alias)] = code

    def parse(value: Any) -> Any:
        found = table.get(value) if value.__class__ is str else None
        if found is not None:
            return found  # the common case: the cell holds a label exactly
        key = clean_text(value)
        if key not in table:
            raise ValidationError(f"应为以下之一：{'、'.join(labels)}", code="choice")
        return table[key]

    parse.labels = labels  # type: ignore[attr-defined]  # read by the template's dropdowns
    return parse


def yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = clean_text(value)
    if key in {"是", "Y", "y", "1", "有", "√", "TRUE", "true"}:
        return True
    if key in {"否", "N", "n", "0", "无", "×", "FALSE", "false"}:
        return False
    raise ValidationError("应填“是”或“否”", code="yes_no")


yes_no.labels = ["是", "否"]  # type: ignore[attr-defined]


def whole_number(minimum: int = 0, maximum: int = 10**9) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        raw = clean_text(value).replace(",", "")
        try:
            number = int(raw)
        except ValueError as exc:
            raise ValidationError("应为整数", code="integer") from exc
        if not minimum <= number <= maximum:
            raise ValidationError(f"应在{minimum}到{maximum}之间", code="integer_range")
        return number

    return parse


# --- Money --------------------------------------------------------------------------------

CENT = Decimal("0.01")
# What a DecimalField(max_digits=12, decimal_places=2) holds.
MONEY_MAX = Decimal("9999999999.99")
MSG_AMOUNT_FORMAT = "应为金额（元），如 1234.50"
MSG_AMOUNT_NEGATIVE = "不能为负数"
MSG_AMOUNT_DECIMALS = "最多两位小数"
MSG_AMOUNT_TOO_LARGE = "金额过大"


def number_of(value: Any) -> Decimal | None:
    """A JSON number or numeric string as a Decimal; None if it is neither."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        value = str(value)  # the shortest repr, not the binary expansion
    if not isinstance(value, str | int | Decimal):
        return None
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def money(value: Any) -> Decimal:
    """An amount in yuan as people type it ("1,234.50", "1234.5元", an Excel number), or
    ValidationError: negative, more than two decimals, or too large."""
    if isinstance(value, Decimal):
        amount: Decimal | None = value
    else:
        text = str(value).strip().replace(",", "").replace("，", "").removesuffix("元")
        text = text.removeprefix("¥").removeprefix("￥").strip()
        amount = number_of(value if isinstance(value, int | float) else text)
    if amount is None or not amount.is_finite():
        raise ValidationError(MSG_AMOUNT_FORMAT, code="amount_format")
    if amount < 0:
        raise ValidationError(MSG_AMOUNT_NEGATIVE, code="amount_negative")
    if amount != amount.quantize(CENT):
        raise ValidationError(MSG_AMOUNT_DECIMALS, code="amount_decimals")
    if amount > MONEY_MAX:
        raise ValidationError(MSG_AMOUNT_TOO_LARGE, code="amount_too_large")
    return amount.quantize(CENT)
