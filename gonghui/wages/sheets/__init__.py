"""The sheets of 能级工资与民主管理: wage contracts, congress sessions and disclosures."""

from gonghui.wages.sheets import contracts, democracy, expenditures, relief

__all__ = ["contracts", "democracy", "expenditures", "relief"]
