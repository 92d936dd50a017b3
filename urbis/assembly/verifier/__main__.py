"""`python -m urbis.assembly.verifier RECORD.json [LATER.json]`: verify a record (or a diff) without Django."""

import json
import sys

from .record import verify_diff, verify_record


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: python -m urbis.assembly.verifier RECORD.json [LATER.json]", file=sys.stderr)
        return 2
    records = []
    for name in argv:
        with open(name, encoding="utf-8") as fh:
            records.append(json.load(fh))
    report = verify_record(records[0]) if len(records) == 1 else verify_diff(*records)
    for error in report.errors:
        print(f"FAIL {error}", file=sys.stderr)
    if report.ok:
        print(f"OK: {report.ballots} ballots, {report.proofs} proofs checked; result {report.result}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
