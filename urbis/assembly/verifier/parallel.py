"""Checking the ballots of a record on every core of the machine, with the same answers as one by one.

`check_ballots` returns one outcome per ballot, in the record's order; `outcome.result()` gives what
`check_ballot` returns for that ballot or raises what it raises (BallotInvalid with the same code and
message, or any other exception), so a caller that walks the outcomes in order reports exactly what
the serial loop would, errors in the same order. Ballots are checked in worker processes (the
proofs are pure CPU work in libsodium; threads would share one interpreter) over contiguous chunks,
when the record is large enough for that to pay and the machine has more than one core; otherwise,
or if worker processes cannot be started, one by one in this process, each when its outcome is asked
for.

`URBIS_VERIFIER_WORKERS` (an integer) caps the number of processes; 1 means serial.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .ballots import BallotInvalid, Question, check_ballot
from .proofs import Ciphertext

MIN_PARALLEL = 24      # fewer ballots than this are checked serially (starting processes costs more)
CHUNKS_PER_WORKER = 4  # smaller chunks even out the work when ballots differ in size

Checked = tuple[list[list[Ciphertext]], int]


class Outcome:
    """What checking one ballot gave: `result()` returns it or raises it."""

    __slots__ = ("_compute", "_error", "_value")

    def __init__(self, *, value: Checked | None = None, error: BaseException | None = None, compute=None):
        self._value, self._error, self._compute = value, error, compute

    def result(self) -> Checked:
        if self._compute is not None:
            compute, self._compute = self._compute, None
            try:
                self._value = compute()
            except Exception as exc:  # kept, so that asking twice raises the same again
                self._error = exc
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def available_workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    cap = os.environ.get("URBIS_VERIFIER_WORKERS", "").strip()
    if cap.isdigit():
        cores = min(cores, max(1, int(cap)))
    return max(1, cores)


def check_ballots(ballots: Sequence[dict], *, election_id: str, public_key: bytes, questions: list[Question],
                  credentials: set[str] | None = None, workers: int | None = None) -> list[Outcome]:
    """One outcome per ballot, in order (see the module's docstring)."""
    workers = available_workers() if workers is None else max(1, workers)
    args = (election_id, public_key, questions, credentials)
    if workers > 1 and len(ballots) >= MIN_PARALLEL:
        try:
            return _parallel(ballots, args, workers)
        except (OSError, BrokenProcessPool, ImportError, NotImplementedError):
            pass  # no worker processes to be had here (no fork, no semaphores, …): the same work, in this one
    return [Outcome(compute=_checker(ballot, args)) for ballot in ballots]


def _checker(ballot: dict, args: tuple):
    election_id, public_key, questions, credentials = args
    return lambda: check_ballot(ballot, election_id=election_id, public_key=public_key, questions=questions,
                                credentials=credentials)


# ------------------------------------------------------------------------------------- processes

_WORK: tuple[Sequence[dict], tuple] | None = None  # (ballots, args), in each worker process


def _init(ballots: Sequence[dict], args: tuple) -> None:
    global _WORK
    _WORK = (ballots, args)


def _check_range(bounds: tuple[int, int]) -> list[tuple]:
    """In a worker: check ballots[start:stop]; BallotInvalid travels as its code and message."""
    assert _WORK is not None
    ballots, (election_id, public_key, questions, credentials) = _WORK
    out: list[tuple] = []
    for ballot in ballots[bounds[0]:bounds[1]]:
        try:
            out.append(("ok", check_ballot(ballot, election_id=election_id, public_key=public_key,
                                           questions=questions, credentials=credentials)))
        except BallotInvalid as exc:
            out.append(("invalid", exc.code, str(exc)))
        except Exception as exc:  # anything else is raised again in the parent, at this ballot's turn
            out.append(("error", exc))
    return out


def _context() -> multiprocessing.context.BaseContext:
    """fork when this process has a single thread (cheap, and safe then); otherwise a fork server."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - not Linux


def _chunks(n: int, parts: int) -> Iterable[tuple[int, int]]:
    size, extra = divmod(n, parts)
    start = 0
    for i in range(parts):
        stop = start + size + (1 if i < extra else 0)
        if stop > start:
            yield start, stop
        start = stop


def _parallel(ballots: Sequence[dict], args: tuple, workers: int) -> list[Outcome]:
    workers = min(workers, len(ballots))
    ballots = list(ballots)
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_init,
                             initargs=(ballots, args)) as pool:
        results = list(pool.map(_check_range, _chunks(len(ballots), workers * CHUNKS_PER_WORKER)))
    outcomes: list[Outcome] = []
    for chunk in results:
        for kind, *rest in chunk:
            if kind == "ok":
                outcomes.append(Outcome(value=rest[0]))
            elif kind == "invalid":
                outcomes.append(Outcome(error=BallotInvalid(rest[0], rest[1])))
            else:
                outcomes.append(Outcome(error=rest[0]))
    return outcomes
