"""`urbis serve` starts the production server (gunicorn, DEBUG off, WhiteNoise) on a fresh data folder."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """Migrate a fresh data folder, start `urbis serve` on a free port, wait until it answers."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"URBIS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "config.settings"})
    urbis = [sys.executable, "-m", "urbis.cli"]
    subprocess.run([*urbis, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen([*urbis, "serve", "--workers", "1", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/static/urbis/urbis.css", timeout=2)
            return server, base
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.3)


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=20)


def test_serve_answers_pages_static_files_and_api(tmp_path):
    server, base = start_server(tmp_path)
    try:
        statuses = {}
        for path in ("/", "/static/urbis/urbis.css", "/api/v1/openapi.json"):
            with urllib.request.urlopen(base + path, timeout=10) as response:
                statuses[path] = response.status
        assert statuses == {"/": 200, "/static/urbis/urbis.css": 200, "/api/v1/openapi.json": 200}
    finally:
        stop_server(server)


def test_serve_leaves_no_server_behind_when_stopped(tmp_path):
    server, base = start_server(tmp_path)
    stop_server(server)
    time.sleep(0.5)
    port = int(base.rsplit(":", 1)[1])
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0  # nothing listens any more
