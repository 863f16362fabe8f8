from django.db import migrations

STANDARD = ("饮水", "休息座椅", "充电", "微波炉", "卫生间", "药箱", "空调", "无线网络")


def standard_facilities(apps, schema_editor):
    Facility = apps.get_model("sites", "Facility")
    for name in STANDARD:
        Facility.objects.get_or_create(name=name, union=None)


class Migration(migrations.Migration):
    dependencies = [("sites", "0001_initial")]

    operations = [migrations.RunPython(standard_facilities, migrations.RunPython.noop)]
