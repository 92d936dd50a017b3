"""The `urbis` console command: Django's management commands under one name
(`urbis demo`, `urbis serve`, `urbis migrate` …)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["urbis", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
