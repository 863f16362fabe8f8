from gonghui.core import modules


class DemoConfig(modules.ModuleConfig):
    name = "gonghui.demo"
    verbose_name = "演示数据"
