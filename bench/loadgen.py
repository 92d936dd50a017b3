"""A small load generator for the benchmarks: N keep-alive connections for a fixed time.

Each connection is a thread with its own `http.client.HTTPConnection` (HTTP/1.1 keep-alive),
sending requests back to back until the time is up; latencies are measured per request with
`time.perf_counter`. Only loopback addresses are accepted: the benchmarks never leave the machine.

As a library::

    from bench.loadgen import run_load, wait_for_server
    wait_for_server("http://127.0.0.1:8123/")
    result = run_load(["http://127.0.0.1:8123/programme/"], connections=16, duration=10)
    print(result.line("programme page"))

`request_factory(worker, n)` may replace the URL list when each request differs (a POST with its
own body …): it returns `(method, url, body_bytes_or_None, headers_dict)`.

From the shell::

    .venv/bin/python bench/loadgen.py http://127.0.0.1:8000/programme/ -c 16 -d 10
"""

from __future__ import annotations

import argparse
import http.client
import math
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

RequestFactory = Callable[[int, int], tuple[str, str, bytes | None, dict[str, str]]]


@dataclass
class LoadResult:
    requests: int
    errors: int
    duration: float
    latencies: list[float] = field(repr=False)  # seconds, sorted
    statuses: Counter = field(default_factory=Counter)
    bytes_received: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.duration if self.duration else 0.0

    def percentile_ms(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        # nearest-rank percentile
        index = min(len(self.latencies) - 1, max(0, math.ceil(q / 100 * len(self.latencies)) - 1))
        return self.latencies[index] * 1000

    @property
    def p50_ms(self) -> float:
        return self.percentile_ms(50)

    @property
    def p99_ms(self) -> float:
        return self.percentile_ms(99)

    def line(self, label: str) -> str:
        statuses = ", ".join(f"{code}×{n}" for code, n in sorted(self.statuses.items()))
        return (f"{label:<34} {self.rps:9.1f} req/s   p50 {self.p50_ms:7.2f} ms   p99 {self.p99_ms:7.2f} ms"
                f"   ({self.requests} requests, {self.errors} errors; {statuses})")


def _split(url: str) -> tuple[str, int, str]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http":
        raise ValueError(f"only http:// URLs are supported: {url}")
    host = parts.hostname or ""
    if host not in LOOPBACK:
        raise ValueError(f"only loopback addresses are allowed, not {host!r}")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return host, parts.port or 80, path


def wait_for_server(url: str, *, timeout: float = 30.0) -> None:
    """Poll until the server answers (any status) or raise TimeoutError."""
    host, port, path = _split(url)
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not answer within {timeout:.0f} s") from None
            time.sleep(0.1)


def run_load(urls: Sequence[str] | str = (), *, connections: int = 16, duration: float = 10.0,
             headers: dict[str, str] | None = None, request_factory: RequestFactory | None = None,
             warmup: float = 0.5, timeout: float = 30.0) -> LoadResult:
    """Load the URLs (round-robin per connection) with `connections` threads for `duration` seconds.

    The first `warmup` seconds are run but not counted. Every non-2xx/3xx answer and every
    connection failure counts as an error (the connection is then reopened).
    """
    if isinstance(urls, str):
        urls = [urls]
    if not urls and request_factory is None:
        raise ValueError("give URLs or a request_factory")
    base_headers = {"Connection": "keep-alive", **(headers or {})}
    targets = [_split(u) for u in urls]

    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter = Counter()
    totals = {"errors": 0, "bytes": 0}
    start_at = time.perf_counter() + 0.05
    count_from = start_at + warmup
    stop_at = count_from + duration

    def worker(index: int) -> None:
        own: list[float] = []
        own_statuses: Counter = Counter()
        errors = 0
        received = 0
        conns: dict[tuple[str, int], http.client.HTTPConnection] = {}
        n = 0
        while time.perf_counter() < start_at:
            time.sleep(0.001)
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                break
            if request_factory is not None:
                method, url, body, extra = request_factory(index, n)
                host, port, path = _split(url)
            else:
                host, port, path = targets[(index + n) % len(targets)]
                method, body, extra = "GET", None, {}
            n += 1
            conn = conns.get((host, port))
            if conn is None:
                conn = conns[(host, port)] = http.client.HTTPConnection(host, port, timeout=timeout)
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers={**base_headers, **extra})
                response = conn.getresponse()
                payload = response.read()
                status = response.status
                if response.will_close:
                    conn.close()
                    del conns[(host, port)]
            except (OSError, http.client.HTTPException):
                conn.close()
                conns.pop((host, port), None)
                status = 0
                payload = b""
            ended = time.perf_counter()
            if began < count_from:
                continue
            own.append(ended - began)
            own_statuses[status] += 1
            received += len(payload)
            if not 200 <= status < 400:
                errors += 1
        for conn in conns.values():
            conn.close()
        with lock:
            latencies.extend(own)
            statuses.update(own_statuses)
            totals["errors"] += errors
            totals["bytes"] += received

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + warmup + timeout + 5)
    latencies.sort()
    return LoadResult(requests=len(latencies), errors=totals["errors"], duration=duration, latencies=latencies,
                      statuses=statuses, bytes_received=totals["bytes"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+", help="http://127.0.0.1:PORT/… (loopback only)")
    parser.add_argument("-c", "--connections", type=int, default=16)
    parser.add_argument("-d", "--duration", type=float, default=10.0)
    args = parser.parse_args(argv)
    result = run_load(args.urls, connections=args.connections, duration=args.duration)
    print(result.line(", ".join(urllib.parse.urlsplit(u).path for u in args.urls)))


if __name__ == "__main__":
    main()
