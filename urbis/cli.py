"""The `urbis` console command: Django's management commands under one name
(`urbis demo`, `urbis serve`, `urbis migrate` …)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")  # `urbis verify-election` runs the verify_election command
    execute_from_command_line(["urbis", *args])


if __name__ == "__main__":
    main()
