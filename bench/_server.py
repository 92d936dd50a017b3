"""What the benchmarks share to run the production server: the machine's description, the environment of
a child process on a temporary data folder, a free loopback port, `urbis serve` started and stopped as a
process group, and a child command run with a time limit.

    from bench._server import child_env, run, start_server, stop_server

    env = child_env(data_dir)                       # SQLite in data_dir; child_env(data_dir, url) for PostgreSQL
    run([PYTHON, "-m", "urbis.cli", "migrate", "-v0"], env=env, timeout=600)
    server, base = start_server(env, ready_path="/programme/")
    try:
        ...                                         # load http://127.0.0.1:<port>/…
    finally:
        stop_server(server)

Only loopback addresses are used; every wait has a time limit.
"""

from __future__ import annotations

import os
import platform
import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Settings a child must not inherit from the shell that runs the benchmark.
_NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "URBIS_SQLITE_PATH", "URBIS_STATIC_ROOT", "DEBUG"}


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


def load_average() -> str:
    """The 1-minute load average, to print next to every figure (others may share the machine)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user + system) used so far by every process of the server's process group (Linux /proc).

    Differences of it per request measure what the server spends on a page whatever else runs on the
    machine, where requests/s under a shared load say little by themselves."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the command: state, ppid, pgrp, …; utime and stime are fields 14 and 15 of the whole line
        if int(fields[2]) == server.pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(data_dir: Path, database_url: str = "") -> dict[str, str]:
    """The environment of a child (build, server, counter) working on `data_dir`: DEBUG off, e-mail to the
    dummy backend, SQLite in the folder unless `database_url` (then connections are kept for 60 s)."""
    env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
    env.update({"URBIS_DATA_DIR": str(data_dir), "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "config.settings",
                "PYTHONPATH": str(ROOT), "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"})
    if database_url:
        env["DATABASE_URL"] = database_url
        env["DB_CONN_MAX_AGE"] = "60"
    return env


def run(cmd: list[str], *, env: dict, timeout: float) -> str:
    """Run a child to its end (within `timeout` seconds); its output, or exit with it when it fails."""
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def start_server(env: dict, *, workers: int = 2, threads: int = 4, ready_path: str = "/api/v1/openapi.json",
                 timeout: float = 90) -> tuple[subprocess.Popen, str]:
    """`urbis serve` (gunicorn, DEBUG off) on a free loopback port in its own process group; returns it
    and its base URL once `ready_path` answers."""
    from bench.loadgen import wait_for_server

    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [PYTHON, "-m", "urbis.cli", "serve", "--workers", str(workers), "--threads", str(threads), "--host",
         "127.0.0.1", "--port", str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}{ready_path}", timeout=timeout)
    except BaseException:
        stop_server(server)
        raise
    return server, base


def stop_server(server: subprocess.Popen | None) -> None:
    """Stop the server's whole process group (gunicorn's arbiter and workers); SIGKILL after 20 s."""
    if server is None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
