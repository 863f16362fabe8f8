"""The sheets of 技能提升: competition entries and skill promotions."""

from gonghui.skills.sheets import entries, promotions

__all__ = ["entries", "promotions"]
