"""Payout batches become the workflow engine's: the state of the two models moves here from
aid (aid 0005 removed it there); the tables, named by ``db_table``, and their rows stay as
they are. The account ciphers of the lines are sealed to the table's name, which is why it
does not change."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import gonghui.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_api_client"),
        ("orgs", "0002_enterprise_formationtask_and_more"),
        ("aid", "0005_payouts_to_workflow_engine"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="PayoutBatch",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=128, verbose_name="批次名称")),
                        (
                            "state",
                            models.CharField(
                                choices=[("open", "待发放"), ("paid", "已发放")],
                                default="open",
                                max_length=16,
                                verbose_name="状态",
                            ),
                        ),
                        (
                            "total",
                            models.DecimalField(
                                decimal_places=2, default=0, max_digits=14, verbose_name="合计金额"
                            ),
                        ),
                        ("item_count", models.PositiveIntegerField(default=0, verbose_name="笔数")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "bank_reference",
                            models.CharField(blank=True, max_length=64, verbose_name="银行流水号"),
                        ),
                        (
                            "paid_on",
                            models.DateField(blank=True, null=True, verbose_name="发放日期"),
                        ),
                        (
                            "exported_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="导出时间"),
                        ),
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
                                verbose_name="发放工会",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "发放批次",
                        "verbose_name_plural": "发放批次",
                        "db_table": "aid_payoutbatch",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="PayoutItem",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("workflow", models.CharField(max_length=32, verbose_name="申请类型")),
                        ("object_id", models.PositiveBigIntegerField(verbose_name="申请编号")),
                        ("payee_name", models.CharField(max_length=30, verbose_name="户名")),
                        ("payee_bank", models.CharField(max_length=64, verbose_name="开户行")),
                        (
                            "account_cipher",
                            gonghui.core.fields.CipherField(verbose_name="账号（密文）"),
                        ),
                        ("account_masked", models.CharField(max_length=32, verbose_name="账号")),
                        (
                            "amount",
                            models.DecimalField(
                                decimal_places=2, max_digits=12, verbose_name="金额"
                            ),
                        ),
                        ("purpose", models.CharField(max_length=64, verbose_name="用途")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("batched", "待发放"),
                                    ("paid", "已发放"),
                                    ("returned", "银行退回"),
                                ],
                                default="batched",
                                max_length=16,
                                verbose_name="状态",
                            ),
                        ),
                        (
                            "return_reason",
                            models.CharField(blank=True, max_length=200, verbose_name="退回原因"),
                        ),
                        (
                            "returned_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="退回时间"),
                        ),
                        (
                            "return_needs_confirm",
                            models.BooleanField(default=False, verbose_name="退回待复核"),
                        ),
                        (
                            "return_confirmed_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="退回复核时间"
                            ),
                        ),
                        (
                            "batch",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="items",
                                to="core.payoutbatch",
                                verbose_name="批次",
                            ),
                        ),
                        (
                            "return_confirmed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="退回复核人",
                            ),
                        ),
                        (
                            "returned_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="退回登记人",
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
                        "verbose_name": "发放明细",
                        "verbose_name_plural": "发放明细",
                        "db_table": "aid_payoutitem",
                        "ordering": ["batch", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("status", "returned"), _negated=True),
                                fields=("workflow", "object_id"),
                                name="payout_item_once",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("amount__gt", 0)),
                                name="payout_item_amount_positive",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
