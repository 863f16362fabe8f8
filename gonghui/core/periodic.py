"""Periodic tasks without cron: ``gonghui scheduler`` enqueues each registered task once per
period into the task queue, whichever of several schedulers gets there first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from gonghui.core.models import PeriodicRun


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    task: Any  # a django_tasks Task taking no arguments
    label: str = ""


_REGISTRY: dict[str, Periodic] = {}


def periodic_register(entry: Periodic) -> Periodic:
    _REGISTRY[entry.name] = entry
    return entry


def periodic_entries() -> dict[str, Periodic]:
    autodiscover_modules("tasks")
    return dict(_REGISTRY)


def periodic_tick(*, now: Any = None, enqueue: Callable[[Any], Any] | None = None) -> list[str]:
    """Enqueue every task whose period has passed; returns the names enqueued."""
    now = now or timezone.now()
    started = []
    for entry in periodic_entries().values():
        with transaction.atomic():
            run, _ = PeriodicRun.objects.get_or_create(name=entry.name)
            run = PeriodicRun.objects.select_for_update().get(pk=run.pk)
            if run.last_run_at is not None and run.last_run_at + entry.every > now:
                continue
            run.last_run_at = now
            run.save(update_fields=["last_run_at"])
            (enqueue or (lambda task: task.enqueue()))(entry.task)
            started.append(entry.name)
    return started
