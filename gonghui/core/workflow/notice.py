"""The public notice (公示) of a union: what it shows of each person, whom to contact with an
objection, a print view to post on the wall and a QR code that leads to the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gonghui.core.actors import Actor
from gonghui.core.audit import audit_record
from gonghui.core.pii import mask_name
from gonghui.core.workflow import Workflow, workflows
from gonghui.core.workflow.models import NoticeSetting
from gonghui.core.workflow.selectors import notice_items
from gonghui.orgs.models import Union

NOTICE_LIMIT = 1000  # rows per type on one page
DEFAULT_CONTACT = "所在基层工会或乡镇（街道）工会"


@dataclass
class NoticeGroup:
    workflow: Workflow
    rows: list[dict[str, Any]]


@dataclass
class NoticeBoard:
    union: Union
    setting: NoticeSetting
    groups: list[NoticeGroup] = field(default_factory=list)

    @property
    def contact(self) -> str:
        return self.setting.contact or DEFAULT_CONTACT

    @property
    def until(self) -> date | None:
        """The last day any item listed is under notice."""
        days = [r["notice_until"] for g in self.groups for r in g.rows if r["notice_until"]]
        return max(days) if days else None


def notice_setting_for(union: Union) -> NoticeSetting:
    """The union's own setting, else its nearest ancestor's, else the defaults (unsaved)."""
    paths = [union.path[:n] for n in range(Union.steplen, len(union.path) + 1, Union.steplen)]
    found = (
        NoticeSetting.objects.filter(union__path__in=paths)
        .select_related("union")
        .order_by("-union__depth")
        .first()
    )
    return found or NoticeSetting(union=union)


def _shown_name(name: str, setting: NoticeSetting) -> str:
    return mask_name(name) if setting.name_shown == NoticeSetting.NameShown.SURNAME else "—"


def _shown_id(id_masked: str, setting: NoticeSetting) -> str:
    # Never more than the last four: the first six and the birth date could rebuild it.
    if setting.id_shown == NoticeSetting.IdShown.LAST4 and len(id_masked) >= 4:
        return "*" * 14 + id_masked[-4:]
    return "—"


def notice_board(union: Union) -> NoticeBoard:
    """What ``union``'s notice shows now: every item of its subtree under notice, each
    person shown only as far as the union's setting allows."""
    setting = notice_setting_for(union)
    board = NoticeBoard(union=union, setting=setting)
    for workflow in workflows().values():
        if workflow.notice_row is None:
            continue
        rows = []
        for item in notice_items(workflow, union)[:NOTICE_LIMIT]:
            row = dict(workflow.notice_row(item))
            # An honour's nominee is published by name, as honour notices are; an aid
            # applicant only as far as the setting allows.
            public = row.pop("name_public", False)
            name = str(row.pop("person_name"))
            row["name"] = name if public else _shown_name(name, setting)
            row["id_shown"] = "—" if public else _shown_id(str(row.pop("id_masked")), setting)
            row.pop("id_masked", None)
            rows.append(row)
        if rows:
            board.groups.append(NoticeGroup(workflow, rows))
    return board


@transaction.atomic
def notice_setting_save(
    *, actor: Actor, union: Union, contact: str, name_shown: str, id_shown: str
) -> NoticeSetting:
    """An administrator sets how their own union posts its notices."""
    if getattr(actor, "role", None) != "admin" or getattr(actor, "union_id", None) != union.pk:
        raise PermissionDenied("只有本工会的管理员可以修改公示设置。")
    if (
        name_shown not in NoticeSetting.NameShown.values
        or id_shown not in NoticeSetting.IdShown.values
    ):
        raise ValidationError("请选择显示方式。", code="notice_shown")
    setting, _ = NoticeSetting.objects.get_or_create(union=union)
    setting.contact = contact.strip()[:200]
    setting.name_shown = name_shown
    setting.id_shown = id_shown
    setting.save()
    audit_record(
        actor=actor,
        action="notice.setting",
        obj=setting,
        union=union,
        summary=f"修改公示设置：异议受理 {setting.contact or '（未填）'}；"
        f"{setting.get_name_shown_display()}；{setting.get_id_shown_display()}",
    )
    return setting


def notice_qr_svg(url: str) -> str:
    """A QR code (SVG markup) leading to ``url``, drawn here: no outside service."""
    from gonghui.core.qr import qr_svg

    return qr_svg(url)
