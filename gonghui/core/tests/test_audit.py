from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from gonghui.conftest import World
from gonghui.core.audit import audit_record
from gonghui.core.models import AuditEvent


def test_event_cannot_be_changed_once_written(world: World) -> None:
    event = audit_record(actor=world.wuxing_staff, action="test.write", summary="原文")
    event.summary = "改动"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="改动")
    assert AuditEvent.objects.get(pk=event.pk).summary == "原文"


def test_event_takes_the_union_of_its_object(world: World) -> None:
    event = audit_record(actor=world.city_admin, action="union.view", obj=world.yuehe)
    assert event.union == world.yuehe
    assert event.object_type == "orgs.union"
    assert event.object_id == str(world.yuehe.pk)


def backdated(world: World, action: str, *, days: int) -> AuditEvent:
    """An event written ``days`` ago: inserted with its time, as nothing may update one."""
    from gonghui.core.audit import audit_event_row

    event = audit_event_row(actor=world.city_admin, action=action)
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    values = [
        f.get_db_prep_save(
            timezone.now() - timedelta(days=days) if f.name == "at" else getattr(event, f.attname),
            connection,
        )
        for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AuditEvent._meta.db_table} ({', '.join(str(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})",
            values,
        )
    return AuditEvent.objects.get(action=action)


def test_prune_command_deletes_events_older_than_retention(world: World) -> None:
    kept = audit_record(actor=world.city_admin, action="kept")
    backdated(world, "gone", days=181)
    call_command("audit_prune")
    assert list(
        AuditEvent.objects.filter(action__in=["kept", "gone"]).values_list("pk", flat=True)
    ) == [kept.pk]


def test_audit_page_shows_only_events_in_scope(world: World, client_as) -> None:
    audit_record(
        actor=world.wuxing_staff, action="wuxing.thing", obj=world.yuehe, summary="吴兴的事"
    )
    audit_record(
        actor=world.nanxun_staff, action="nanxun.thing", obj=world.nanxun_town, summary="南浔的事"
    )
    body = client_as(world.nanxun_staff).get("/audit/").content.decode()
    assert "南浔的事" in body
    assert "吴兴的事" not in body
    city_body = client_as(world.city_admin).get("/audit/").content.decode()
    assert "南浔的事" in city_body and "吴兴的事" in city_body


def test_audit_page_filters_by_action(world: World, client_as) -> None:
    audit_record(actor=world.city_admin, action="union.create", summary="新建甲")
    audit_record(actor=world.city_admin, action="user.disable", summary="停用乙")
    body = client_as(world.city_admin).get("/audit/", {"action": "union.create"}).content.decode()
    assert "新建甲" in body
    assert "停用乙" not in body


def test_summaries_never_keep_a_full_id_or_phone_number(world: World) -> None:
    event = audit_record(
        actor=world.city_admin,
        action="member.import",
        summary="导入 330502198503080427.xlsx，联系 13800138000",
    )
    assert event.summary == "导入 330502********0427.xlsx，联系 138****8000"


def test_audit_page_names_actions_in_chinese(world: World, client_as) -> None:
    audit_record(actor=world.city_admin, action="user.disable", summary="停用乙")
    audit_record(actor=world.city_admin, action="relief.approve", summary="通过丙")
    html = client_as(world.city_admin).get("/audit/").content.decode()
    actions = re.findall(r'data-testid="audit-action">([^<]+)<', html)
    assert actions[:2] == ["大病救助申请：通过", "停用账号"]


def test_audit_filters_are_lists_of_actions_and_people(world: World, client_as) -> None:
    html = client_as(world.wuxing_staff).get("/audit/").content.decode()
    assert '<option value="member.import">导入会员名册</option>' in html
    assert '<option value="township_staff">' in html
    assert '<option value="nanxun_staff">' not in html  # people of the scope only


def test_audit_filters_by_person(world: World, client_as) -> None:
    audit_record(actor=world.township_staff, action="union.create", summary="甲做的")
    audit_record(actor=world.wuxing_staff, action="union.create", summary="乙做的")
    body = client_as(world.city_admin).get("/audit/", {"actor_name": "township_staff"}).content
    assert "甲做的" in body.decode() and "乙做的" not in body.decode()


def test_every_audited_action_in_the_code_has_a_chinese_name() -> None:
    """An action written anywhere in the code must have a registered Chinese name."""
    from django.conf import settings

    from gonghui.core.audit import audit_action_label

    root = Path(settings.BASE_DIR) / "gonghui"
    found: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for call in re.findall(r"audit_record\((.*?)\n    \)", text, flags=re.S):
            found.update(re.findall(r'"([a-z_]+(?:\.[a-z_]+)+)"', call))
    assert len(found) > 40
    unnamed = sorted(code for code in found if audit_action_label(code) == code)
    assert unnamed == []


def test_downloading_a_job_result_is_audited(world: World, client_as) -> None:
    from django.core.files.base import ContentFile

    from gonghui.core.tests.factories import JobFactory

    job = JobFactory.create(union=world.wuxing, state="done", started_by=world.wuxing_staff)
    job.result_file.save("r.csv", ContentFile(b"x"))
    response = client_as(world.wuxing_staff).get(f"/jobs/{job.pk}/result/")
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action="job.result_download")
    assert (event.actor, event.object_id) == (world.wuxing_staff, str(job.pk))


def _raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def test_raw_sql_cannot_change_an_event(world: World) -> None:
    from django.db import DatabaseError, transaction

    event = audit_record(actor=world.wuxing_staff, action="test.write", summary="原文")
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
        _raw(f"UPDATE {table} SET summary = %s WHERE id = %s", ["改动", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == "原文"


def test_raw_sql_cannot_delete_an_event(world: World) -> None:
    from django.db import DatabaseError, transaction

    event = audit_record(actor=world.wuxing_staff, action="test.write")
    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
        _raw(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_pruning_is_recorded_and_keeps_recent_events(world: World) -> None:
    backdated(world, "old.one", days=400)
    backdated(world, "old.two", days=200)
    recent = audit_record(actor=world.city_admin, action="recent")
    from gonghui.core.audit import audit_prune

    assert audit_prune(retention_days=180, actor=world.city_admin) == 2
    assert AuditEvent.objects.filter(action__startswith="old.").count() == 0
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    record = AuditEvent.objects.get(action="audit.prune")
    assert (record.actor_name, "2 条" in record.summary) == ("city_admin", True)
    # After the prune the lock is back: a raw delete is refused again.
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        _raw(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [recent.pk])


def test_deleting_a_user_leaves_the_events_as_they_were(world: World) -> None:
    from gonghui.core.tests.factories import UserFactory

    leaver = UserFactory.create(username="leaver", union=world.yuehe)
    event = audit_record(actor=leaver, action="test.write")
    leaver.delete()
    kept = AuditEvent.objects.get(pk=event.pk)
    assert (kept.actor_id, kept.actor_name) == (event.actor_id, "leaver")


def test_a_transition_is_named_by_its_workflow_type_and_action() -> None:
    from gonghui.core.audit import audit_action_label

    assert audit_action_label("relief.approve") == "大病救助申请：通过"


def test_a_name_an_app_registers_wins_over_the_engine_default() -> None:
    from gonghui.core.audit import _ACTION_LABELS, audit_action_label, audit_actions_register

    audit_actions_register({"test_type.submit": "提交测试"})
    audit_actions_register({"test_type.submit": "测试：提交"}, default=True)
    try:
        assert audit_action_label("test_type.submit") == "提交测试"
    finally:
        _ACTION_LABELS.pop("test_type.submit")
