import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("orgs", "%%orgs_migration%%"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="%%Entity%%",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=128, verbose_name="名称")),
                ("held_on", models.DateField(verbose_name="日期")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "union",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.union",
                        verbose_name="所属工会",
                    ),
                ),
            ],
            options={
                "verbose_name": "%%title%%",
                "verbose_name_plural": "%%title%%",
                "ordering": ["-held_on", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("union", "name", "held_on"), name="%%app%%_%%entity%%_once"
                    )
                ],
            },
        ),
    ]
