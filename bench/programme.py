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
   bytes without Django's work) for a fixed time with 16 keep-alive connections;
5. stops the server (its whole process group) and deletes the data folder.

    .venv/bin/python bench/programme.py [--duration 10] [--connections 16] [--scales 1,10]

It stops by itself (every step has a time limit) and only talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import LoadResult, run_load, wait_for_server  # noqa: E402

PYTHON = sys.executable
STATIC_COPY = "bench/programme.html"
TARGETS = {"ratio": 0.5, "p99_ms": 50.0, "queries": 10}
# What the anonymous programme pages read: the members (speakers' affiliations) and the programme.
# Registration, awards and assembly data do not change these pages; --all-steps builds them too.
PROGRAMME_STEPS = ["urbis.demo.members", "urbis.demo.programme"]


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.platform()}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "URBIS_SQLITE_PATH",
                                                            "URBIS_STATIC_ROOT", "DEBUG"}}
    env.update({"URBIS_DATA_DIR": str(data_dir), "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "config.settings",
                "PYTHONPATH": str(ROOT)})
    return env


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


def run(cmd: list[str], *, env: dict, timeout: float) -> str:
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def bench_scale(scale: int, *, duration: float, connections: int, keep: bool, all_steps: bool) -> dict:
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

        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "urbis.cli", "serve", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        wait_for_server(f"{base}/static/{STATIC_COPY}", timeout=90)
        targets = {
            "programme page": f"{base}/programme/",
            "session page": f"{base}/sessions/{info['code']}/",
            "schedule.json": f"{base}/schedule.json",
            "static copy of the programme page": f"{base}/static/{STATIC_COPY}",
        }
        results: dict[str, LoadResult] = {}
        for label, url in targets.items():
            run_load(url, connections=connections, duration=1.0, warmup=0.2)  # warm every worker's caches
            results[label] = run_load(url, connections=connections, duration=duration)
            print(f"  {results[label].line(label)}", flush=True)
        return {"scale": scale, "build_seconds": build_seconds, "info": info, "results": results}
    finally:
        if server is not None:
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(server.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)


def summary(runs: list[dict]) -> list[str]:
    lines = ["", f"Machine: {machine()}", ""]
    lines.append("| scale | sessions | endpoint | req/s | p50 ms | p99 ms | errors | SQL queries (cold / warm) |")
    lines.append("|---:|---:|---|---:|---:|---:|---:|---|")
    names = {"programme page": "programme", "session page": "session", "schedule.json": "schedule"}
    for entry in runs:
        for label, result in entry["results"].items():
            queries = entry["info"]["queries"].get(names.get(label, ""), None)
            q = f"{queries[0]} / {queries[1]}" if queries else "0 (static file)"
            lines.append(f"| {entry['scale']} | {entry['info']['sessions']} | {label} | {result.rps:.0f} | "
                         f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.errors} | {q} |")
    lines.append("")
    for entry in runs:
        res = entry["results"]
        ratio = res["programme page"].rps / res["static copy of the programme page"].rps
        p99 = res["programme page"].p99_ms
        lines.append(f"scale {entry['scale']}: programme page at {ratio:.0%} of the static file's throughput "
                     f"(target ≥ {TARGETS['ratio']:.0%}: {'met' if ratio >= TARGETS['ratio'] else 'NOT met'}); "
                     f"p99 {p99:.1f} ms (target ≤ {TARGETS['p99_ms']:.0f} ms: "
                     f"{'met' if p99 <= TARGETS['p99_ms'] else 'NOT met'})")
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
                        all_steps=args.all_steps) for s in args.scales.split(",")]
    print("\n".join(summary(runs)))


if __name__ == "__main__":
    main()
