"""The `gonghui` console script: Django's manage.py with gonghui's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # `gonghui import members …` reads better than `gonghui import_members …`; commands
    # named with a dash on the command line map to their Python module names.
    if len(argv) > 1:
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
