"""`urbis verify-election RECORD.json`: re-check a published election record (exit status 1 if it fails)."""

import json

from django.core.management.base import BaseCommand, CommandError

from urbis.assembly.verifier import verify_record


class Command(BaseCommand):
    help = "Verify an election record: every proof, signature and credential, the homomorphic sum, the result."

    def add_arguments(self, parser):
        parser.add_argument("record", help="path to the record (JSON) downloaded from the bulletin board")

    def handle(self, *args, **options):
        try:
            with open(options["record"], encoding="utf-8") as fh:
                record = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the record: {exc}") from exc
        report = verify_record(record)
        for error in report.errors:
            self.stderr.write(f"FAIL {error}")
        if not report.ok:
            raise CommandError(f"the record does NOT verify ({len(report.errors)} problems)")
        self.stdout.write(f"OK: {report.ballots} ballots, {report.proofs} proofs checked; "
                          f"result {report.result if report.result is not None else '(not tallied yet)'}")
