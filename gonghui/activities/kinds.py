"""The kinds of activity, each declared once: its name on pages and in the sheet, whether it is
held in an enterprise (and which enterprises qualify), and its own fields. Adding a kind is
one ``kind_register`` call here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gonghui.core.sheets.parsers import choice, text, whole_number


@dataclass(frozen=True)
class ExtraField:
    """A field of one kind: its key in ``Activity.extra``, its header in the sheet, how a
    cell is read (the sheets engine's parsers: a Chinese error on a bad value)."""

    key: str
    header: str
    parse: Callable[[Any], Any]
    required: bool = False


@dataclass(frozen=True)
class ActivityKind:
    key: str
    label: str  # the name in the sheet's 类型 column and on pages
    needs_enterprise: bool = False
    # Why an enterprise may not host this kind (None: it may).
    enterprise_refusal: Callable[[Any], str | None] | None = None
    extra: tuple[ExtraField, ...] = ()


_KINDS: dict[str, ActivityKind] = {}


def kind_register(kind: ActivityKind) -> ActivityKind:
    _KINDS[kind.key] = kind
    return kind


def kinds() -> dict[str, ActivityKind]:
    return dict(_KINDS)


def kind_get(key: str) -> ActivityKind | None:
    return _KINDS.get(key)


def kind_by_label(label: str) -> ActivityKind | None:
    return next((k for k in _KINDS.values() if k.label == label or k.key == label), None)


def _above_scale_or_pilot(enterprise: Any) -> str | None:
    if enterprise.is_above_scale or enterprise.is_reform_pilot:
        return None
    return f"班前十分钟须在规上企业或产改试点企业开展，“{enterprise.name}”两者都不是"


SPEAKER_TYPES = (("劳模", "劳模"), ("工匠", "工匠"), ("工会干部", "工会干部"))

PRE_SHIFT_TALK = kind_register(
    ActivityKind(
        "pre_shift_talk",
        "班前十分钟",
        needs_enterprise=True,
        enterprise_refusal=_above_scale_or_pilot,
    )
)
LECTURE = kind_register(
    ActivityKind(
        "lecture",
        "宣讲",
        extra=(ExtraField("speaker_type", "主讲人类型", choice(SPEAKER_TYPES), required=True),),
    )
)
CULTURE_SPORTS = kind_register(ActivityKind("culture_sports", "文体活动"))
LIVESTREAM = kind_register(
    ActivityKind(
        "livestream",
        "直播",
        extra=(ExtraField("viewers", "观看人次", whole_number(0, 10_000_000)),),
    )
)
CAMPUS_VISIT = kind_register(
    ActivityKind(
        "campus_visit",
        "劳模工匠进校园",
        extra=(ExtraField("school", "学校", text(64), required=True),),
    )
)
TEACHER_ENTERPRISE_VISIT = kind_register(
    ActivityKind("teacher_enterprise_visit", "思政教师进企业", needs_enterprise=True)
)
FORUM = kind_register(ActivityKind("forum", "座谈会"))
