"""The sidebar: the domain areas of gonghui, each entry shown to the roles (and tree levels)
that can use its page. Areas with nothing for a role are not shown."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

EDITORS = ("admin", "staff")
REVIEWERS = ("reviewer", "admin")
READERS = ("admin", "staff", "reviewer", "viewer")


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str | None = None  # a named URL once the page exists
    icon: str = "dot"
    url_args: tuple[str, ...] = ()
    badge: str = ""  # a key of the context's ``nav_badges`` (a count shown beside the label)
    roles: tuple[str, ...] = ()  # who sees it; empty: every staff role
    levels: tuple[str, ...] = ()  # at which levels of the tree; empty: all

    def visible_to(self, role: str, level: str | None) -> bool:
        return (not self.roles or role in self.roles) and (not self.levels or level in self.levels)


@dataclass(frozen=True)
class NavArea:
    slug: str
    label: str
    icon: str
    coming: str = ""  # what this area will hold, shown while it is empty
    items: tuple[NavItem, ...] = field(default_factory=tuple)


AREAS: tuple[NavArea, ...] = (
    NavArea(
        "orgs",
        "组织建设",
        "diagram-3",
        items=(
            NavItem("工会组织树", "orgs:union_tree", "diagram-3"),
            NavItem("应建未建", "orgs:formation_worklist", "list-check"),
            NavItem("企业名录导入导出", "sheet_home", "building", ("enterprises",), roles=EDITORS),
        ),
        coming="企业名录查询、集中入会活动。",
    ),
    NavArea(
        "members",
        "会员管理",
        "people",
        items=(
            NavItem("会员名册", "members:member_list", "person-lines-fill"),
            NavItem("转会申请", "members:transfer_list", "arrow-left-right", roles=EDITORS),
            NavItem(
                "会员导入导出",
                "sheet_home",
                "file-earmark-spreadsheet",
                ("members",),
                roles=EDITORS,
            ),
        ),
        coming="集中入会活动、会员统计。",
    ),
    NavArea(
        "services",
        "服务保障",
        "heart-pulse",
        items=(
            NavItem(
                "待办审核",
                "workflow_inbox",
                "inbox",
                badge="inbox",
                roles=REVIEWERS,
                levels=("city", "county", "township"),
            ),
            NavItem("互助金申请", "aid:claim_list", "clipboard2-pulse", roles=READERS),
            NavItem("大病救助", "aid:relief_list", "heart", roles=READERS),
            NavItem("发放批次", "aid:payout_list", "bank", roles=("finance",)),
            NavItem("医疗互助方案", "aid:plan_list", "journal-medical"),
            NavItem("大病救助政策", "aid:relief_policy_list", "journal-text", roles=READERS),
            NavItem(
                "参保名单导入",
                "sheet_home",
                "person-check",
                ("mutual-aid-enrollments",),
                roles=EDITORS,
            ),
            NavItem(
                "互助金批量导入",
                "sheet_home",
                "file-earmark-medical",
                ("mutual-aid-claims",),
                roles=EDITORS,
            ),
        ),
        coming=("“9+X”惠“新”服务包、困难职工帮扶、疗休养、“湖工有爱”共富班车。"),
    ),
    NavArea(
        "activities",
        "工作台账",
        "journal-text",
        coming=(
            "班前十分钟、“双百千万”宣讲、文体活动、春风送岗、大调研、劳模工匠进校园、东西部协作。"
        ),
    ),
    NavArea(
        "skills",
        "技能提升",
        "trophy",
        coming=("“百业千匠”职业技能大赛、技术能手、技能晋级、劳模工匠创新工作室、导师帮带。"),
    ),
    NavArea(
        "wages",
        "能级工资与民主管理",
        "cash-coin",
        coming=("能级工资集体协商、职代会与厂务公开、劳动模范与荣誉评选。"),
    ),
    NavArea(
        "funds",
        "经费与阵地",
        "geo-alt",
        coming=("工会经费缓减、支出标准、户外劳动者服务站点与职工之家地图。"),
    ),
    NavArea(
        "reports",
        "督导与报告",
        "bar-chart-line",
        items=(
            NavItem("驾驶舱", "reports:dashboard", "speedometer2"),
            NavItem("每月一调度", "reports:dispatch", "table"),
            NavItem("半年一汇报", "reports:half_year", "file-earmark-text"),
            NavItem("季度一展示", "reports:quarter", "easel"),
            NavItem("年度目标", "reports:targets", "bullseye", roles=READERS),
        ),
        coming="年度一总结、督导检查与限时任务。",
    ),
    NavArea(
        "system",
        "系统",
        "gear",
        items=(
            NavItem("后台任务", "jobs", "hourglass-split"),
            NavItem("审计日志", "audit", "shield-check", roles=EDITORS),
            NavItem("公示设置", "workflow_notice_settings", "megaphone", roles=("admin",)),
            NavItem("账号管理", "accounts:user_list", "person-badge", roles=("admin",)),
            NavItem("批量开通账号", "sheet_home", "people", ("staff-accounts",), roles=("admin",)),
            NavItem("修改密码", "accounts:password_change", "key"),
        ),
    ),
)

AREAS_BY_SLUG = {area.slug: area for area in AREAS}


def areas_for(user: Any) -> list[NavArea]:
    """The sidebar of one user: the entries their role and level can use, areas with none
    left out (areas still to be built are not menu entries)."""
    role = getattr(user, "role", "")
    union = getattr(user, "union", None)
    level = getattr(union, "level", None)
    shown = []
    for area in AREAS:
        items = tuple(i for i in area.items if i.visible_to(role, level))
        if items:
            shown.append(replace(area, items=items))
    return shown
