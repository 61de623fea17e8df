"""The ``gongkai`` command: the project's manage.py.

Every Django management command is a subcommand (``gongkai migrate``, ``gongkai createsuperuser``),
and so are Gongkai's own (``gongkai demo``, …). Run ``gongkai help`` for the list.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gongkai", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
