"""A staff user's role, and the sets of roles the product names: each set once, here.

Kept apart from ``core.models`` so that the engines' declarations (the workflow engine, the
sidebar) can name role sets without importing the models."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "管理员"
    STAFF = "staff", "工作人员"
    REVIEWER = "reviewer", "审核员"
    VIEWER = "viewer", "查看者"
    FINANCE = "finance", "财务"
    # A volunteer counsellor (湖工心安): no union staff, confined to the counselling pages.
    COUNSELOR = "counselor", "心理咨询师"
    # A worker's own account in the workers' portal (/m/): no union staff, no union scope;
    # sees only their own records, confined to the portal's pages.
    WORKER = "worker", "职工"


# Who keys in and imports a union's records.
EDITORS: tuple[str, ...] = (Role.ADMIN, Role.STAFF)
# Who decides at a review step.
REVIEWERS: tuple[str, ...] = (Role.REVIEWER, Role.ADMIN)
# Who reads a union's records (finance reads only payouts).
READERS: tuple[str, ...] = (Role.ADMIN, Role.STAFF, Role.REVIEWER, Role.VIEWER)
# Who enters and submits applications at the levels that submit them.
SUBMITTERS: tuple[str, ...] = (Role.STAFF, Role.REVIEWER, Role.ADMIN)
# Who pays approved applications.
PAYERS: tuple[str, ...] = (Role.FINANCE,)


# Roles that reach only some pages, by path prefix: a volunteer counsellor is no union staff
# and must see nothing of the union's records but their own counselling calendar. The app
# that owns the pages names them (``confine``); every other page answers 403 to these roles.
CONFINED: dict[str, list[str]] = {Role.COUNSELOR: [], Role.WORKER: []}


def confine(role: str, *prefixes: str) -> None:
    """Let a confined role reach the pages under ``prefixes``."""
    CONFINED[role].extend(p for p in prefixes if p not in CONFINED[role])
