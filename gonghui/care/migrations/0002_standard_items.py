from django.db import migrations

# The nine standard services of the "9+X" package, with the keys DOMAIN.md fixes. Written
# out here rather than read from the model's choices: a migration keeps what it wrote.
NINE = [
    ("health_checkup", "健康体检", "everyone", "职工健康体检（含一线职工免费体检）"),
    ("medical_security", "医疗保障", "members", "职工医疗互助、会员大病救助"),
    ("employment", "就业服务", "everyone", "春风送岗、职业介绍与就业指导"),
    ("skill_upgrading", "能力提升", "everyone", "技能培训、学历与能力提升"),
    ("care_visit", "暖心慰问", "everyone", "走访慰问、送温暖、夏送清凉"),
    ("hardship_aid", "困难帮扶", "everyone", "困难职工生活、医疗、助学救助"),
    ("legal_service", "法律服务", "everyone", "法律咨询、调解、法律援助"),
    ("counseling", "心理咨询", "everyone", "“湖工心安”心理健康服务"),
    ("recuperation", "职工疗休养", "everyone", "疗休养基地疗休养"),
]


def standard_items(apps, schema_editor):
    ServiceItem = apps.get_model("care", "ServiceItem")
    for key, name, eligibility, description in NINE:
        ServiceItem.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "eligibility": eligibility,
                "unit": "person_times",
                "description": description,
                "union": None,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("care", "ServiceItem").objects.filter(
        key__in=[key for key, *_ in NINE], union__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [migrations.RunPython(standard_items, remove)]
