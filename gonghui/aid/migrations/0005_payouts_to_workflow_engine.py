"""Payout batches move to the workflow engine (``core``), which pays every type that declares
a payout. The tables stay where they are, with their rows: only Django's idea of which app
owns them changes (core 0011 takes them over). A line no longer names a member (a payee may
be a worker who has not joined, an enterprise or a union); its application still does."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0004_account_ciphers_sealed_to_rows"),
    ]

    operations = [
        migrations.RemoveField(model_name="payoutitem", name="member"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PayoutItem"),
                migrations.DeleteModel(name="PayoutBatch"),
            ],
            database_operations=[],
        ),
    ]
