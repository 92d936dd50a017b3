"""Benchmark of check-in: 16 concurrent scanners checking in the demo participants through the JSON API of
the production server (`urbis serve`), on PostgreSQL (and SQLite with --databases sqlite,postgres).

It
1. builds the demo edition (`urbis demo --no-serve`) in a fresh data folder, on a throw-away PostgreSQL
   server started with tests/pgserver.py's functions;
2. in a child process moves the demo edition so that today is one of its days (check-in refuses other
   days), and writes the signed badge tokens of every approved on-site participant and a logged-in staff
   session;
3. starts `urbis serve` on a free 127.0.0.1 port and, with bench/loadgen.py, POSTs
   /api/v1/registration/editions/<slug>/checkins for a fixed time per phase: 1 scanner back to back (the
   service time of a scan), 16 scanners back to back (saturation: latency = 16 / throughput), and 16
   scanners at a door's pace (one scan every 0.5 s each, --pace; the think time is not timed). Each
   scanner walks through the badges from its own offset, so most badges are scanned several times, as at
   busy doors: first scans check in, later ones are flagged;
4. counts, from the database, today's check-ins: they must equal the number of distinct participants
   scanned (a second scan is never double-counted), and prints throughput, p50 and p99
   (target p99 ≤ 20 ms, for the paced phase), the server's CPU time per scan (user + system of the
   gunicorn processes: what a scan costs whatever else runs on the machine) and the 1-minute load average
   at the start of each phase.

    .venv/bin/python bench/checkin.py [--duration 10] [--connections 1,16] [--databases postgres]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server import load_average, server_cpu_seconds  # noqa: E402
from bench.loadgen import run_load  # noqa: E402
from bench.registration import (  # noqa: E402
    child_env,
    headers_for,
    machine,
    run,
    session_cookies,
    start_server,
    stop_server,
)

PYTHON = sys.executable
TARGET_P99_MS = 20.0


def prepare(out: str) -> None:
    """Child mode: today inside the demo edition; badge tokens; a staff session."""
    import datetime as dt

    import django

    django.setup()
    from django.utils import timezone

    from urbis.program.selectors import current_edition
    from urbis.registration.badges import badge_token
    from urbis.registration.enums import Mode, Status
    from urbis.registration.models import Registration

    edition = current_edition()
    today = timezone.localtime(timezone.now(), edition.zone).date()
    length = (edition.ends_on - edition.starts_on).days
    edition.starts_on, edition.ends_on = today - dt.timedelta(days=1), today - dt.timedelta(days=1) + \
        dt.timedelta(days=length)
    edition.save(update_fields=["starts_on", "ends_on"])
    registrations = Registration.objects.filter(edition=edition, status=Status.APPROVED, mode=Mode.ON_SITE) \
        .order_by("pk")
    tokens = [badge_token(r) for r in registrations]
    staff = session_cookies(1, "scanner", staff=True)[0]
    Path(out).write_text(json.dumps({"slug": edition.slug, "tokens": tokens, "staff": staff,
                                     "today": today.isoformat()}))


def count(out: str, today: str) -> None:
    import django

    django.setup()
    from django.db.models import Count

    from urbis.registration.models import CheckIn

    rows = CheckIn.objects.filter(day=today, session_code="")
    report = {"rows": rows.count(), "distinct": rows.values("registration_id").distinct().count(),
              "duplicates": rows.values("registration_id").annotate(n=Count("id")).filter(n__gt=1).count()}
    Path(out).write_text(json.dumps(report))


def bench_database(kind: str, *, duration: float, connections: list[int], pace: float) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"urbis-bench-checkin-{kind}-"))
    pg_folder = server = None
    bin_dir = ""
    try:
        url = ""
        if kind == "postgres":
            from tests.pgserver import find_bin_dir, start

            bin_dir = find_bin_dir()
            pg_folder, pg_port = start(bin_dir)
            url = f"postgres://postgres@127.0.0.1:{pg_port}/postgres"
        env = child_env(data_dir, url)
        run([PYTHON, "-m", "urbis.cli", "demo", "--no-serve"], env=env, timeout=900)
        info_file = data_dir / "checkin.json"
        run([PYTHON, str(Path(__file__).resolve()), "--prepare", str(info_file)], env=env, timeout=300)
        info = json.loads(info_file.read_text())
        tokens = info["tokens"]
        server, base = start_server(env)
        path = f"{base}/api/v1/registration/editions/{info['slug']}/checkins"
        headers = headers_for(info["staff"])
        run_load(connections=max(connections), duration=1.0, warmup=0.2,
                 request_factory=lambda w, n: ("GET", f"{base}/api/v1/openapi.json", None, {}))
        results = []
        # 1 scanner back to back (the service time of one scan); N scanners back to back (saturation: the
        # latency is then N / throughput); N scanners at a door's pace (a scan every `pace` s each).
        phases = [(n, 0.0) for n in connections] + [(connections[-1], pace)]
        for scanners, think in phases:
            step = max(1, len(tokens) // scanners)

            def factory(worker: int, n: int, step=step, think=think):
                if think and n:
                    time.sleep(think)  # before the clock starts: not part of the latency
                token = tokens[(worker * step + n) % len(tokens)]
                body = json.dumps({"code": token, "gate": f"gate-{worker % 4}"}).encode()
                return "POST", path, body, headers

            load = load_average()
            cpu = server_cpu_seconds(server)
            result = run_load(connections=scanners, duration=duration, request_factory=factory)
            cpu_ms = (server_cpu_seconds(server) - cpu) * 1000 / max(1, result.requests)
            label = f"{scanners} scanner(s)" + (f", one scan per {think:g} s each" if think else ", back to back")
            print(f"  {kind:<9} {result.line(label)}   server CPU {cpu_ms:.1f} ms/scan   load average {load}",
                  flush=True)
            results.append(result)
        stop_server(server)
        server = None
        report_file = data_dir / "count.json"
        run([PYTHON, str(Path(__file__).resolve()), "--count", str(report_file), "--today", info["today"]],
            env=env, timeout=300)
        db = json.loads(report_file.read_text())
        double_counted = db["rows"] - db["distinct"]
        result = results[-1]
        line = (f"{kind:<9} check-ins today {db['rows']} for {db['distinct']} participants, double-counted "
                f"{double_counted}; p99 with {connections[-1]} scanners at a door's pace {result.p99_ms:.1f} ms, target "
                f"≤ {TARGET_P99_MS:.0f} ms: {'met' if result.p99_ms <= TARGET_P99_MS else 'NOT met'}")
        print(line, flush=True)
        return {"kind": kind, "p99": result.p99_ms, "double": double_counted,
                "errors": sum(r.errors for r in results)}
    finally:
        stop_server(server)
        if pg_folder:
            from tests.pgserver import stop

            stop(bin_dir, pg_folder)
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Check-in scans under concurrent load.")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--connections", default="1,16", help="scanner counts, run one after the other")
    parser.add_argument("--databases", default="postgres")
    parser.add_argument("--pace", type=float, default=0.5, help="seconds between two scans of one scanner")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--count", help=argparse.SUPPRESS)
    parser.add_argument("--today", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare)
        return
    if args.count:
        count(args.count, args.today)
        return
    print(f"Machine: {machine()}", flush=True)
    scanners = [int(n) for n in args.connections.split(",")]
    results = [bench_database(k, duration=args.duration, connections=scanners, pace=args.pace)
               for k in args.databases.split(",")]
    bad = [r["kind"] for r in results if r["double"] or r["errors"]]
    print("no double counts, no errors" if not bad else f"PROBLEMS on {', '.join(bad)}")
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
