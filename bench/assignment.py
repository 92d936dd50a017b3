"""Reviewer assignment: time, peak memory, objective and bound on generated instances.

1. 273 submissions × 11 reviewers, k = 3, own-country conflicts, even loads — the reference cycle.
2. 10,000 submissions × 1,000 reviewers, k = 3, load cap 35, own-country conflicts, affinity only for
   each submission's top 100 reviewers (the other pairs are not candidates).
3. The reference cycle again with "at most one reviewer from the same region per submission" (MIP).

Run: .venv/bin/python bench/assignment.py
"""

import os
import resource
import sys
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from urbis.awards import assignment as solver  # noqa: E402


def instance(n: int, m: int, top: int | None, seed: int, n_countries: int = 60):
    rng = np.random.default_rng(seed)
    sub_country = rng.integers(0, n_countries, n)
    rev_country = rng.integers(0, n_countries, m)
    # affinity: shared topics (each side has 6 of 40 topics) plus noise, integer-valued after rounding to 0.001
    sub_topics = rng.random((n, 40)) < 6 / 40
    rev_topics = rng.random((m, 40)) < 6 / 40
    subs, revs, affs = [], [], []
    block = 500
    for start in range(0, n, block):
        stop = min(start + block, n)
        aff = sub_topics[start:stop].astype(np.float32) @ rev_topics.T.astype(np.float32)
        aff += rng.random(aff.shape, dtype=np.float32) * 0.5
        aff[sub_country[start:stop, None] == rev_country[None, :]] = -np.inf  # conflicts
        if top is not None and top < m:
            idx = np.argpartition(-aff, top, axis=1)[:, :top]
        else:
            idx = np.tile(np.arange(m), (stop - start, 1))
        rows = np.repeat(np.arange(start, stop), idx.shape[1])
        cols = idx.ravel()
        vals = aff[rows - start, cols]
        ok = np.isfinite(vals)
        subs.append(rows[ok])
        revs.append(cols[ok])
        affs.append(np.round(vals[ok].astype(np.float64), 3))
    return (np.concatenate(subs), np.concatenate(revs), np.concatenate(affs), sub_country, rev_country)


def run(label, n, m, k, top, min_load=None, max_load=None, regions=False, check_lp=False):
    subs, revs, affs, _sc, rev_country = instance(n, m, top, seed=n + m)
    lo, hi = solver.even_bounds(n, m, k)
    problem = solver.Problem(n_submissions=n, n_reviewers=m, k=k, min_load=lo if min_load is None else min_load,
                             max_load=hi if max_load is None else max_load, subs=subs, revs=revs, affinity=affs,
                             reviewer_region=[r % 4 for r in range(m)] if regions else None)
    tracemalloc.start()
    started = time.perf_counter()
    solution = solver.solve(problem)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    loads = np.bincount([r for _s, r in solution.pairs], minlength=m)
    print(f"{label}: {n} × {m}, k={k}, candidate pairs {len(subs):,}, loads {loads.min()}–{loads.max()} "
          f"(bounds {problem.min_load}–{problem.max_load})")
    print(f"  solver {solution.solver}: {elapsed:.3f} s, objective {solution.objective:.3f}, bound {solution.bound:.3f}, "
          f"gap {solution.bound - solution.objective:.3g}")
    print(f"  peak Python allocations {peak / 2**20:.1f} MiB, process max RSS {rss:.0f} MiB")
    if check_lp:
        started = time.perf_counter()
        bound = solver.lp_bound(problem)
        print(f"  LP relaxation (scipy linprog HiGHS): {bound:.3f} in {time.perf_counter() - started:.2f} s")


def main() -> None:
    run("reference cycle", 273, 11, 3, top=None, check_lp=True)
    run("reference cycle, one reviewer per region", 273, 11, 3, top=None, regions=True, min_load=70, max_load=80)
    run("large", 10_000, 1_000, 3, top=100, min_load=0, max_load=35)


if __name__ == "__main__":
    main()
