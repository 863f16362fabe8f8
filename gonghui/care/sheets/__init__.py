"""The care module's sheets (discovered as ``gonghui.care.sheets``)."""

from gonghui.care.sheets import deliveries, recuperation, visits  # noqa: F401
