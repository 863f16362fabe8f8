"""Test support shared by every app's tests: the named users and a small real tree."""
