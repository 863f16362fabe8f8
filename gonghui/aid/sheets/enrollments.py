"""Placeholder: the enrollment sheet."""
