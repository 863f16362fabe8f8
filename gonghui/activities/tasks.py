"""Periodic work of the ledgers: the daily reminders of follow-up items near or past their
deadline."""

from datetime import timedelta

from django_tasks import task

from gonghui.core.periodic import Periodic, periodic_register


@task()
def followups_remind_task() -> None:
    from gonghui.activities.services.followups import followups_remind

    followups_remind()


# Hourly: the reminder is written once a day per item, whenever the scheduler first runs.
periodic_register(
    Periodic("followups_remind", timedelta(hours=1), followups_remind_task, "督办事项到期提醒")
)
