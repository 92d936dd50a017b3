"""The whole test suite: every test on SQLite, then again on a real PostgreSQL server that this
script starts from the machine's binaries (tests/pgserver.py). Extra arguments go to pytest."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(label: str, cmd: list[str], env: dict) -> int:
    print(f"\n=== {label} ===", flush=True)
    return subprocess.call(cmd, cwd=ROOT, env=env)  # noqa: S603


def main(args: list[str]) -> int:
    workers = os.environ.get("URBIS_TEST_WORKERS", "2")
    pytest = [sys.executable, "-m", "pytest", "-n", workers, "-q", *args]
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base["URBIS_DATA_DIR"] = tempfile.mkdtemp(prefix="urbis-test-")
    base.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    sqlite = run("SQLite", pytest, {**base, "URBIS_TEST_DB": "sqlite"})
    postgres = run("PostgreSQL", [sys.executable, "-m", "tests.pgserver", "--", *pytest],
                   {**base, "URBIS_TEST_DB": "postgres", "URBIS_DATA_DIR": tempfile.mkdtemp(prefix="urbis-test-")})
    print(f"\nSQLite pass: {'ok' if sqlite == 0 else f'FAILED ({sqlite})'}; "
          f"PostgreSQL pass: {'ok' if postgres == 0 else f'FAILED ({postgres})'}", flush=True)
    return sqlite or postgres


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
