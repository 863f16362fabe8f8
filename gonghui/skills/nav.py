"""The sidebar entries of 技能提升."""

from gonghui.core.navigation import READERS, NavItem, nav_register

nav_register("skills", 10, NavItem("技能竞赛", "skills:list", "trophy", roles=READERS))
nav_register("skills", 20, NavItem("技能称号", "skills:titles", "award", roles=READERS))
nav_register(
    "skills", 30, NavItem("技能晋级", "skills:promotions", "graph-up-arrow", roles=READERS)
)
nav_register("skills", 40, NavItem("导师帮带", "skills:mentorships", "people", roles=READERS))
nav_register("skills", 50, NavItem("创新工作室", "skills:studios", "lightbulb", roles=READERS))
nav_register("skills", 60, NavItem("荣誉评选", "skills:rounds", "patch-check", roles=READERS))
nav_register("skills", 70, NavItem("荣誉名录", "skills:honours", "star", roles=READERS))
