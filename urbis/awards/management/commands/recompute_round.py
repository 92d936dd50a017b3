"""Re-derive a round's ranking from its exported record and check it matches the recorded one."""

import json

from django.core.management.base import BaseCommand, CommandError

from urbis.awards.services import compute_ranking


class Command(BaseCommand):
    help = "Recompute the ranking from an exported round record (JSON) and check it gives the same ranking."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--method", default=None, help="rank by another method instead of the recorded one")

    def handle(self, *args, file, method, **options):
        try:
            with open(file, encoding="utf-8") as fh:
                record = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        if record.get("format") != "urbis.awards.round/1":
            raise CommandError("not an Urbis round record")
        result = compute_ranking(record, method=method)
        recorded = record.get("ranking", [])
        if method is None and result["ranking"] != recorded:
            first = next(i for i, (a, b) in enumerate(zip(result["ranking"], recorded, strict=False)) if a != b) \
                if len(result["ranking"]) == len(recorded) else 0
            raise CommandError(f"ranking differs from the record (first difference at place {first + 1})")
        for row in result["rows"][:20]:
            self.stdout.write(f"{row['place']:>3}  submission {row['submission']}  {result['method']}="
                              f"{row[result['method']]}")
        self.stdout.write(self.style.SUCCESS(
            f"OK: {len(result['ranking'])} submissions, ranking by {result['method']} matches the record"
            if method is None else f"ranking by {result['method']} computed"))
