"""An import and its audit event are one transaction: a committed import always has its
event, and an event that cannot be written takes the import back with it (the worker was
once killed between the two and 200,000 members stood imported with no event)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from gonghui.conftest import World
from gonghui.core.models import AuditEvent
from gonghui.core.pii import id_number_compose
from gonghui.members.models import Member
from gonghui.members.services import member_import


def roster(tmp_path: Path, rows: int = 3, sequence: int = 7) -> Path:
    from datetime import date

    path = tmp_path / "名册.csv"
    lines = ["姓名,身份证号,入会日期"]
    names = ["张三", "李四", "王五", "赵六", "钱七"]
    for n in range(rows):
        lines.append(
            f"{names[n]},{id_number_compose('330502', date(1980, 1, n + 1), sequence)},2023-06-01"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_committed_import_has_its_event(world: World, tmp_path: Path) -> None:
    report = member_import(
        actor=world.township_staff, union=world.yuehe, path=roster(tmp_path), dry_run=False
    )
    assert report.committed
    event = AuditEvent.objects.get(action="member.import")
    assert (event.outcome, event.actor_name) == ("success", world.township_staff.username)
    assert "新增 3" in event.summary


def test_an_event_that_cannot_be_written_takes_the_import_back(
    world: World, tmp_path: Path, monkeypatch
) -> None:
    def refuse(self, *args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(AuditEvent, "save", refuse)
    with pytest.raises(RuntimeError):
        member_import(
            actor=world.township_staff, union=world.yuehe, path=roster(tmp_path), dry_run=False
        )
    assert Member.objects.count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second connection sees the data only on a server (the SQLite pass is in memory)",
)
@pytest.mark.django_db(transaction=True)
def test_the_background_writer_commits_the_event_with_the_rows(
    world: World, tmp_path: Path, monkeypatch
) -> None:
    from gonghui.core.sheets import engine

    monkeypatch.setattr(engine, "background_writer_available", lambda: True)
    report = member_import(
        actor=world.township_staff, union=world.yuehe, path=roster(tmp_path), dry_run=False
    )
    assert (report.committed, Member.objects.count()) == (True, 3)
    assert AuditEvent.objects.filter(action="member.import", outcome="success").count() == 1

    # An event the writer cannot insert rolls the rows back with it.
    values = engine._audit_values
    monkeypatch.setattr(
        engine, "_audit_values", lambda *a, **k: {**values(*a, **k), "action": "过长" * 40}
    )
    import psycopg

    with pytest.raises(psycopg.DataError):  # value too long, raised in the writer's thread
        member_import(
            actor=world.township_staff,
            union=world.zhili,
            path=roster(tmp_path, rows=5, sequence=8),
            dry_run=False,
        )
    assert Member.objects.count() == 3
