"""Benchmark of the public programme: the demo edition at scale 1 and 10, served by the production server.

For each scale it
1. migrates and builds the demo at scale N in a fresh temporary data folder (SQLite) — the members and
   programme steps, which are what the anonymous pages read (``--all-steps`` builds every step);
2. in a child process, asks the pages once through Django's test client with `CaptureQueriesContext`
   (SQL queries per request, cold cache and warm cache), and writes the bytes of the programme
   page into the static root as `bench/programme.html`;
3. starts `urbis serve --workers 2` (gunicorn, DEBUG off, WhiteNoise) on a free 127.0.0.1 port;
4. loads, from this process, each of `/programme/`, `/sessions/<code>/`, `/schedule.json` and the
   static copy of the programme page (`/static/bench/programme.html`, the physical limit: the same
   bytes without Django's work) for a fixed time with 16 keep-alive connections, the endpoints taking
   turns in `--rounds` slices (a change of the machine's load then weighs on each alike), and notes
   the load average and the server's CPU time per request (its process group, from /proc) for each;
5. stops the server (its whole process group) and deletes the data folder.

    .venv/bin/python bench/programme.py [--duration 10] [--connections 16] [--scales 1,10] [--rounds 4]

The server helpers (environment, port, start, stop) are in bench/_server.py.

It stops by itself (every step has a time limit) and only talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server import (  # noqa: E402
    PYTHON,
    child_env,
    load_average,
    machine,
    run,
    server_cpu_seconds,
    start_server,
    stop_server,
)
from bench.loadgen import LoadResult, run_load  # noqa: E402

STATIC_COPY = "bench/programme.html"
RETURNING_CSRF = "r" * 32  # a returning visitor's CSRF cookie (a valid unmasked secret)
TARGETS = {"ratio": 0.5, "p99_ms": 50.0, "queries": 10}
# What the anonymous programme pages read: the members (speakers' affiliations) and the programme.
# Registration, awards and assembly data do not change these pages; --all-steps builds them too.
PROGRAMME_STEPS = ["urbis.demo.members", "urbis.demo.programme"]


def inspect() -> None:
    """Child mode: SQL queries per request (test client, in-process) and the programme page's bytes."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from urbis.program.selectors import current_edition, published_sessions

    edition = current_edition()
    sessions = published_sessions(edition)
    opening = sessions.filter(title__startswith="Opening plenary").first()
    paths = {"programme": "/programme/", "session": f"/sessions/{opening.code}/", "schedule": "/schedule.json"}
    client = Client(raise_request_exception=False)
    report: dict = {"sessions": sessions.count(), "code": opening.code, "queries": {}, "status": {}, "bytes": {}}
    for name, path in paths.items():
        counts = []
        for _attempt in ("cold", "warm"):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            counts.append(len(captured.captured_queries))
        report["queries"][name] = counts
        report["status"][name] = response.status_code
        report["bytes"][name] = len(response.content)
        if name == "programme":
            target = Path(settings.STATIC_ROOT) / STATIC_COPY
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(response.content)
    print(json.dumps(report))


def build(scale: int, all_steps: bool) -> None:
    """Child mode: migrate and build the demo; only the steps the public programme reads unless all_steps."""
    import django

    django.setup()
    from django.core.management import call_command

    from urbis.demo.builder import build_demo

    call_command("migrate", interactive=False, verbosity=0)
    build_demo(scale=scale, stdout=sys.stdout, steps=None if all_steps else PROGRAMME_STEPS)


def etag_of(base: str, headers: dict[str, str]) -> str:
    """The ETag the server gives the programme page for these request headers."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", "/programme/", headers=headers)
        response = conn.getresponse()
        response.read()
        return response.getheader("ETag") or ""
    finally:
        conn.close()


def merge(parts: list[LoadResult]) -> LoadResult:
    """One result from the slices of a run (requests, errors, time and latencies added up)."""
    statuses: Counter = Counter()
    for part in parts:
        statuses.update(part.statuses)
    return LoadResult(requests=sum(p.requests for p in parts), errors=sum(p.errors for p in parts),
                      duration=sum(p.duration for p in parts),
                      latencies=sorted(x for p in parts for x in p.latencies), statuses=statuses,
                      bytes_received=sum(p.bytes_received for p in parts))


def bench_scale(scale: int, *, duration: float, connections: int, keep: bool, all_steps: bool,
                rounds: int) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"urbis-bench-programme-s{scale}-"))
    env = child_env(data_dir)
    server = None
    try:
        began = time.perf_counter()
        steps_log = run([PYTHON, str(Path(__file__).resolve()), "--build", str(scale)]
                        + (["--all-steps"] if all_steps else []), env=env, timeout=1800)
        build_seconds = time.perf_counter() - began
        print(steps_log.strip(), flush=True)
        info = json.loads(run([PYTHON, str(Path(__file__).resolve()), "--inspect"], env=env, timeout=300)
                          .strip().splitlines()[-1])
        print(f"scale {scale}: {info['sessions']} published sessions, migrated and built in {build_seconds:.1f} s; "
              f"statuses {info['status']}; page bytes {info['bytes']}", flush=True)

        server, base = start_server(env, ready_path=f"/static/{STATIC_COPY}")
        returning = {"Cookie": f"csrftoken={RETURNING_CSRF}"}
        targets = {
            "programme page": (f"{base}/programme/", {}),
            "session page": (f"{base}/sessions/{info['code']}/", {}),
            "schedule.json": (f"{base}/schedule.json", {}),
            "static copy of the programme page": (f"{base}/static/{STATIC_COPY}", {}),
            # A browser that has the CSRF cookie already (every visit after the first), and one revalidating
            # its copy (If-None-Match with the ETag the server gave for that cookie: a 304 without a body).
            "programme page, returning visitor": (f"{base}/programme/", returning),
            "programme page, revalidated (304)": (f"{base}/programme/",
                                                  {**returning, "If-None-Match": etag_of(base, returning)}),
        }
        results: dict[str, LoadResult] = {}
        loads: dict[str, str] = {}
        cpu: dict[str, float] = {}
        for url, headers in targets.values():  # warm every worker's caches
            run_load(url, connections=connections, duration=1.0, warmup=0.2, headers=headers)
        # The endpoints take turns in `rounds` slices, so that a change of the machine's load during the run
        # weighs on each of them alike (the ratio to the static file is what the target is about).
        slices: dict[str, list[LoadResult]] = {label: [] for label in targets}
        spent = dict.fromkeys(targets, 0.0)
        first_load = dict.fromkeys(targets, "")
        for _round in range(rounds):
            for label, (url, headers) in targets.items():
                first_load[label] = first_load[label] or load_average()
                began = server_cpu_seconds(server)
                slices[label].append(run_load(url, connections=connections, duration=duration / rounds,
                                              warmup=0.1, headers=headers))
                spent[label] += server_cpu_seconds(server) - began
        for label in targets:
            results[label] = merge(slices[label])
            loads[label] = f"{first_load[label]} → {load_average()}"
            cpu[label] = spent[label] / max(1, results[label].requests) * 1000
            print(f"  {results[label].line(label)}   server CPU {cpu[label]:.2f} ms/request   "
                  f"load average {loads[label]}", flush=True)
        return {"scale": scale, "build_seconds": build_seconds, "info": info, "results": results, "loads": loads,
                "cpu": cpu}
    finally:
        stop_server(server)
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)


def summary(runs: list[dict]) -> list[str]:
    lines = ["", f"Machine: {machine()}", ""]
    lines.append("| scale | sessions | endpoint | req/s | p50 ms | p99 ms | errors | server CPU ms/request "
                 "| SQL queries (cold / warm) | load average (start → end) |")
    lines.append("|---:|---:|---|---:|---:|---:|---:|---:|---|---|")
    names = {"programme page": "programme", "session page": "session", "schedule.json": "schedule"}
    for entry in runs:
        for label, result in entry["results"].items():
            queries = entry["info"]["queries"].get(names.get(label, ""), None)
            q = f"{queries[0]} / {queries[1]}" if queries else ("0 (static file)" if "static" in label else "1 (hit)")
            lines.append(f"| {entry['scale']} | {entry['info']['sessions']} | {label} | {result.rps:.0f} | "
                         f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.errors} | "
                         f"{entry['cpu'][label]:.2f} | {q} | {entry['loads'][label]} |")
    lines.append("")
    for entry in runs:
        res = entry["results"]
        ratio = res["programme page"].rps / res["static copy of the programme page"].rps
        p99 = res["programme page"].p99_ms
        cpu_ratio = entry["cpu"]["static copy of the programme page"] / max(1e-9, entry["cpu"]["programme page"])
        lines.append(f"scale {entry['scale']}: programme page at {ratio:.0%} of the static file's throughput "
                     f"(target ≥ {TARGETS['ratio']:.0%}: {'met' if ratio >= TARGETS['ratio'] else 'NOT met'}); "
                     f"p99 {p99:.1f} ms (target ≤ {TARGETS['p99_ms']:.0f} ms: "
                     f"{'met' if p99 <= TARGETS['p99_ms'] else 'NOT met'}); server CPU per request: the static "
                     f"file costs {cpu_ratio:.0%} of the programme page")
        static = res["static copy of the programme page"].rps
        lines.append(f"scale {entry['scale']}: returning visitor at "
                     f"{res['programme page, returning visitor'].rps / static:.0%} of the static file, revalidation "
                     f"(304) at {res['programme page, revalidated (304)'].rps / static:.0%}")
    per_scale = [entry["info"]["queries"] for entry in runs]
    for page in ("programme", "session", "schedule"):
        counts = [q[page] for q in per_scale]
        same = all(c == counts[0] for c in counts)
        low = max(max(c) for c in counts) <= TARGETS["queries"]
        lines.append(f"queries on {page}: {' vs '.join('/'.join(map(str, c)) for c in counts)} "
                     f"(equal at every scale: {'yes' if same else 'NO'}; ≤ {TARGETS['queries']}: "
                     f"{'yes' if low else 'NO'})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="Programme pages under load at two scales.")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=4, help="slices in which the endpoints take turns")
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folders")
    parser.add_argument("--all-steps", action="store_true",
                        help="build the whole demo (registration, awards, assembly too), not only what the pages read")
    parser.add_argument("--inspect", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inspect:
        inspect()
        return
    if args.build:
        build(args.build, args.all_steps)
        return
    print(f"Machine: {machine()}", flush=True)
    runs = [bench_scale(int(s), duration=args.duration, connections=args.connections, keep=args.keep,
                        all_steps=args.all_steps, rounds=args.rounds) for s in args.scales.split(",")]
    print("\n".join(summary(runs)))


if __name__ == "__main__":
    main()
