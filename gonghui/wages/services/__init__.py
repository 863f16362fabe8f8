"""The services of 能级工资与民主管理: one module per part (contracts, democracy, …)."""
