from django.apps import AppConfig


class AidConfig(AppConfig):
    name = "gonghui.aid"
    verbose_name = "职工医疗互助与大病救助"
