"""The activities app's sheets; importing this package registers them."""

from gonghui.activities.sheets import activities, positions  # noqa: F401
