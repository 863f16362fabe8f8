"""The aid app's sheets; importing this package registers them."""

from gonghui.aid.sheets import claims, enrollments  # noqa: F401
