"""Start a throw-away PostgreSQL server from the machine's binaries, run a command against it, stop it.

    python -m tests.pgserver -- pytest ...

The command sees DATABASE_URL pointing at the server (TCP on 127.0.0.1, a free port). PostgreSQL
refuses to run as root, so when we are root the server runs as the `postgres` system user in a
temporary folder that user owns.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def find_bin_dir() -> str:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for folder in reversed(candidates):
        if os.path.exists(os.path.join(folder, "pg_ctl")):
            return folder
    found = shutil.which("pg_ctl")
    if found:
        return os.path.dirname(found)
    raise SystemExit("No PostgreSQL server binaries found (install postgresql).")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def start(bin_dir: str) -> tuple[str, int]:
    folder = tempfile.mkdtemp(prefix="urbis-pg-")
    os.chmod(folder, 0o755)
    data = os.path.join(folder, "data")
    if os.geteuid() == 0:
        shutil.chown(folder, user="postgres", group="postgres")
    port = free_port()
    subprocess.run(as_server_user([f"{bin_dir}/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                   "--no-locale", "--no-sync"]), check=True, stdout=subprocess.DEVNULL)
    options = (f"-p {port} -h 127.0.0.1 -k {folder} -c fsync=off -c synchronous_commit=off "
               f"-c full_page_writes=off -c max_connections=300 -c shared_buffers=256MB")
    subprocess.run(as_server_user([f"{bin_dir}/pg_ctl", "-D", data, "-o", options, "-l", os.path.join(folder, "log"),
                                   "-w", "start"]), check=True, stdout=subprocess.DEVNULL)
    return folder, port


def stop(bin_dir: str, folder: str) -> None:
    subprocess.run(as_server_user([f"{bin_dir}/pg_ctl", "-D", os.path.join(folder, "data"), "-m", "immediate", "stop"]),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1:]
    bin_dir = find_bin_dir()
    folder, port = start(bin_dir)
    try:
        for _ in range(50):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/urbis", "DB_CONN_MAX_AGE": "0"}
        print(f"PostgreSQL from {bin_dir} on 127.0.0.1:{port}", flush=True)
        return subprocess.call(argv, env=env)
    finally:
        stop(bin_dir, folder)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
