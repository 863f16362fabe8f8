"""Build the membership periods of today's members from the member rows and their events."""

from django.db import migrations


def build(apps, schema_editor):
    from gonghui.members.periods import periods_rebuild

    periods_rebuild(
        apps.get_model("members", "Member"),
        apps.get_model("members", "MembershipEvent"),
        apps.get_model("members", "MembershipPeriod"),
        using=schema_editor.connection.alias,
    )


def unbuild(apps, schema_editor):
    apps.get_model("members", "MembershipPeriod").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0006_membership_periods")]

    operations = [migrations.RunPython(build, unbuild)]
