"""Benchmark of the members import: a CSV of N organisations (5,000 by default) read, previewed
(dry run), applied in one transaction, previewed again (all unchanged) and exported, in process
on a fresh SQLite database in a temporary data folder (or the PostgreSQL server DATABASE_URL
points at, e.g. under tests/pgserver.py).

    .venv/bin/python bench/members_import.py [--rows 5000]

It only touches its own temporary folder and stops by itself.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _create_database(url: str) -> None:
    """The throw-away server of tests/pgserver.py starts without the database the URL names."""
    from urllib.parse import urlsplit

    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    os.environ["URBIS_DATA_DIR"] = tempfile.mkdtemp(prefix="urbis-bench-members-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        _create_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import tablib

    from urbis.members.importing import export_organisations, read_table
    from urbis.members.models import Organisation
    from urbis.members.services import import_organisations

    countries = ["FR", "ES", "CN", "BR", "US", "NG", "IN", "DE", "MX", "KR"]
    zones = ["Europe/Paris", "Europe/Madrid", "Asia/Shanghai", "America/Sao_Paulo", "America/New_York",
             "Africa/Lagos", "Asia/Kolkata", "Europe/Berlin", "America/Mexico_City", "Asia/Seoul"]
    dataset = tablib.Dataset(headers=["slug", "name", "kind", "country", "city", "population", "region",
                                      "time_zone", "membership_status", "member_since"])
    for i in range(args.rows):
        dataset.append([f"city-{i}", f"City {i}", "member_government", countries[i % 10], f"City {i}",
                        str(1_000_000 + i), "", zones[i % 10], "active", str(1985 + i % 35)])
    content = dataset.export("csv").encode()

    def timed(label, func):
        start = time.perf_counter()
        result = func()
        print(f"{label:<42} {time.perf_counter() - start:7.2f} s")
        return result

    print(f"members import, {args.rows} organisations, {len(content) / 1024:.0f} KiB CSV, "
          f"{django.db.connection.vendor}")
    rows = timed("read CSV", lambda: read_table(name="bench.csv", content=content))
    preview = timed("dry run (all new)", lambda: import_organisations(rows=rows, actor=None, dry_run=True))
    assert preview.counts() == {"created": args.rows, "updated": 0, "unchanged": 0}
    applied = timed("apply (one transaction)", lambda: import_organisations(rows=rows, actor=None, dry_run=False))
    assert applied.applied and Organisation.objects.count() == args.rows
    again = timed("dry run again (all unchanged)", lambda: import_organisations(rows=rows, actor=None, dry_run=True))
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": args.rows}
    xlsx = timed("export XLSX", lambda: export_organisations(queryset=Organisation.objects.all(), fmt="xlsx"))
    rows = timed("read XLSX", lambda: read_table(name="bench.xlsx", content=xlsx))
    final = timed("dry run of the exported XLSX", lambda: import_organisations(rows=rows, actor=None, dry_run=True))
    assert final.counts() == {"created": 0, "updated": 0, "unchanged": args.rows}, final.errors[:3]


if __name__ == "__main__":
    main()
