"""Benchmark of registration: 5,000 registrations submitted by 50 concurrent clients through the JSON API
of the production server (`urbis serve`), on SQLite and on PostgreSQL.

For each database it
1. makes a fresh temporary data folder (and, for PostgreSQL, a throw-away server from tests/pgserver.py),
   migrates, and in a child process creates the edition (on-site capacity 1,500; every category except
   delegates auto-approved), 5,000 users and a logged-in session for each (so no password hashing is timed);
2. starts `urbis serve` (gunicorn, DEBUG off) on a free 127.0.0.1 port, e-mail to the dummy backend;
3. 50 client threads (one keep-alive connection each) POST 100 registrations each — half on site, half
   online — and, once done, each client re-submits one of its registrations, which must be refused (409);
4. counts, from the database: lost (201 answered but no row, or a client that got no 201), duplicated
   (more than one row per e-mail, or a re-submission accepted) and oversold (approved on site above the
   capacity) — all must be 0 — and prints throughput, p50 and p99.

    .venv/bin/python bench/registration.py [--total 5000] [--clients 50] [--databases sqlite,postgres]

It stops by itself (time limits everywhere) and only talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The server helpers live in bench/_server.py; bench/checkin.py and bench/election.py import them from here.
from bench._server import (  # noqa: E402, F401 - re-exported
    PYTHON,
    child_env,
    free_port,
    machine,
    run,
    start_server,
    stop_server,
)

EDITION = "bench-congress"
CAPACITY = 1500
CSRF = "b" * 32  # an unmasked CSRF secret: cookie and header carry the same value


def percentile_ms(sorted_seconds: list[float], q: float) -> float:
    if not sorted_seconds:
        return float("nan")
    index = min(len(sorted_seconds) - 1, max(0, math.ceil(q / 100 * len(sorted_seconds)) - 1))
    return sorted_seconds[index] * 1000


def session_cookies(users: int, prefix: str, *, staff: bool = False) -> list[str]:
    """Child helper: `users` users, each with a database session; returns the session keys."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from urbis.accounts.models import User

    unusable = make_password(None)
    created = User.objects.bulk_create([User(email=f"{prefix}{i}@bench.example", password=unusable, is_staff=staff,
                                             display_name=f"Bench {i}") for i in range(users)], batch_size=1000)
    keys = []
    for user in User.objects.filter(pk__in=[u.pk for u in created]).order_by("pk"):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return keys


def prepare(total: int, out: str) -> None:
    """Child mode: the edition, its settings, the users and their sessions."""
    import datetime as dt

    import django

    django.setup()
    from urbis.program.models import Edition
    from urbis.registration.enums import Category
    from urbis.registration.models import RegistrationSettings

    edition = Edition.objects.create(slug=EDITION, name="Benchmark Congress", starts_on=dt.date(2030, 5, 6),
                                     ends_on=dt.date(2030, 5, 9), time_zone="Europe/Madrid", venue_city="Madrid",
                                     is_current=True)
    RegistrationSettings.objects.create(edition=edition, onsite_capacity=CAPACITY,
                                        auto_approve=[c for c in Category.values if c != Category.DELEGATE])
    Path(out).write_text(json.dumps(session_cookies(total, "participant")))


def count(out: str) -> None:
    """Child mode: what the database holds after the load."""
    import django

    django.setup()
    from django.db.models import Count

    from urbis.registration.enums import Mode, Status
    from urbis.registration.models import Registration

    qs = Registration.objects.filter(edition__slug=EDITION)
    duplicates = qs.values("email").annotate(n=Count("id")).filter(n__gt=1).count()
    report = {"rows": qs.count(), "emails": list(qs.values_list("email", flat=True)), "duplicate_emails": duplicates,
              "approved_on_site": qs.filter(mode=Mode.ON_SITE, status=Status.APPROVED).count(),
              "waitlisted": qs.filter(status=Status.WAITLISTED).count(),
              "statuses": dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))}
    Path(out).write_text(json.dumps(report))


def headers_for(key: str) -> dict[str, str]:
    return {"Cookie": f"sessionid={key}; csrftoken={CSRF}", "X-CSRFToken": CSRF,
            "Content-Type": "application/json", "Connection": "keep-alive"}


def payload(i: int) -> bytes:
    categories = ["ngo", "academia", "partner", "press", "guest", "speaker", "international_organisation"]
    return json.dumps({"first_name": f"Bench{i}", "last_name": "Participant", "category": categories[i % 7],
                       "mode": "on_site" if i % 2 == 0 else "online", "privacy_consent": True,
                       "organisation_name": f"Organisation {i % 97}", "country": "ES",
                       "languages": ["en", "es"], "time_zone": "Europe/Madrid"}).encode()


def load(base: str, keys: list[str], clients: int) -> dict:
    host, port = "127.0.0.1", int(base.rsplit(":", 1)[1])
    path = f"/api/v1/registration/editions/{EDITION}/registrations"
    per_client = math.ceil(len(keys) / clients)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    accepted: list[str] = []
    resubmitted_accepted = [0]
    barrier = threading.Barrier(clients)

    def post(conn, key, body):
        began = time.perf_counter()
        try:
            conn.request("POST", path, body=body, headers=headers_for(key))
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
        return status, time.perf_counter() - began

    def client(index: int) -> None:
        mine = keys[index * per_client:(index + 1) * per_client]
        conn = http.client.HTTPConnection(host, port, timeout=60)
        own, own_status, ok = [], {}, []
        barrier.wait()
        for j, key in enumerate(mine):
            number = index * per_client + j
            status, seconds = post(conn, key, payload(number))
            if status == 0:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
            own.append(seconds)
            own_status[status] = own_status.get(status, 0) + 1
            if status == 201:
                ok.append(f"participant{number}@bench.example")
        if mine:  # the same person submits again: must be refused
            status, _seconds = post(conn, mine[0], payload(index * per_client))
            if status == 201:
                with lock:
                    resubmitted_accepted[0] += 1
        conn.close()
        with lock:
            latencies.extend(own)
            accepted.extend(ok)
            for status, n in own_status.items():
                statuses[status] = statuses.get(status, 0) + n

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"elapsed": elapsed, "requests": len(latencies), "statuses": statuses, "accepted": accepted,
            "resubmitted_accepted": resubmitted_accepted[0], "p50": percentile_ms(latencies, 50),
            "p99": percentile_ms(latencies, 99)}


def bench_database(kind: str, *, total: int, clients: int) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"urbis-bench-registration-{kind}-"))
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
        run([PYTHON, "-m", "urbis.cli", "migrate", "-v0"], env=env, timeout=600)
        keys_file = data_dir / "keys.json"
        run([PYTHON, str(Path(__file__).resolve()), "--prepare", str(keys_file), "--total", str(total)], env=env,
            timeout=600)
        keys = json.loads(keys_file.read_text())
        server, base = start_server(env)
        result = load(base, keys, clients)
        stop_server(server)
        server = None
        report_file = data_dir / "count.json"
        run([PYTHON, str(Path(__file__).resolve()), "--count", str(report_file)], env=env, timeout=300)
        db = json.loads(report_file.read_text())
        rows = set(db["emails"])
        lost = (total - len(result["accepted"])) + len([e for e in result["accepted"] if e not in rows])
        duplicated = db["duplicate_emails"] + result["resubmitted_accepted"] + max(0, db["rows"] - total)
        oversold = max(0, db["approved_on_site"] - CAPACITY)
        line = (f"{kind:<9} {total} registrations by {clients} clients in {result['elapsed']:.1f} s: "
                f"{result['requests'] / result['elapsed']:.0f} registrations/s, p50 {result['p50']:.1f} ms, "
                f"p99 {result['p99']:.1f} ms; statuses {dict(sorted(result['statuses'].items()))}; "
                f"rows {db['rows']} ({db['statuses']}); lost {lost}, duplicated {duplicated}, oversold {oversold} "
                f"(approved on site {db['approved_on_site']} of {CAPACITY}, waiting list {db['waitlisted']})")
        print(line, flush=True)
        return {"kind": kind, "line": line, "lost": lost, "duplicated": duplicated, "oversold": oversold}
    finally:
        stop_server(server)
        if pg_folder:
            from tests.pgserver import stop

            stop(bin_dir, pg_folder)
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Registrations under concurrent load.")
    parser.add_argument("--total", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--count", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.total, args.prepare)
        return
    if args.count:
        count(args.count)
        return
    print(f"Machine: {machine()}", flush=True)
    results = [bench_database(kind, total=args.total, clients=args.clients) for kind in args.databases.split(",")]
    bad = [r["kind"] for r in results if r["lost"] or r["duplicated"] or r["oversold"]]
    print("all counts 0" if not bad else f"NON-ZERO counts on {', '.join(bad)}")
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
