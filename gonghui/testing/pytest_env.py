"""Loaded by pytest with -p before Django is set up: the test suite's environment."""

import os

os.environ.setdefault("GONGHUI_TESTING", "1")
