"""Benchmarks, run by `make bench` (each ``bench/[a-z]*.py`` as ``python -m bench.<name>``).

Helper modules start with an underscore so that `make bench` does not run them.
"""
