"""Placeholder: the mutual-aid claims sheet."""
