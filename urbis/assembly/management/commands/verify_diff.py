"""`urbis verify-diff EARLIER.json LATER.json`: check that a later snapshot of a board only extends an earlier one."""

import json

from django.core.management.base import BaseCommand, CommandError

from urbis.assembly.verifier import verify_diff


class Command(BaseCommand):
    help = "Check that a later snapshot of an election board only appends to (or, while open, re-votes on) an earlier one."

    def add_arguments(self, parser):
        parser.add_argument("earlier")
        parser.add_argument("later")

    def handle(self, *args, **options):
        try:
            records = []
            for name in (options["earlier"], options["later"]):
                with open(name, encoding="utf-8") as fh:
                    records.append(json.load(fh))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read a record: {exc}") from exc
        report = verify_diff(*records)
        for error in report.errors:
            self.stderr.write(f"FAIL {error}")
        if not report.ok:
            raise CommandError("the later snapshot does NOT extend the earlier one")
        self.stdout.write(f"OK: the later snapshot extends the earlier one ({report.ballots} ballots)")
