"""The solver: optimal against the LP relaxation, conflicts never assigned, loads within bounds."""

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from urbis.awards import assignment as solver


def _instance(seed: int, n: int, m: int, density: float):
    rng = random.Random(seed)
    pairs = [(s, r, rng.randint(0, 9)) for s in range(n) for r in range(m) if rng.random() < density]
    conflicts = {(s, r) for s in range(n) for r in range(m) if (s, r) not in {(p[0], p[1]) for p in pairs}}
    return pairs, conflicts


def test_flow_matches_lp_bound_small_known_instance():
    pairs = [(0, 0, 5), (0, 1, 1), (0, 2, 0), (1, 0, 4), (1, 1, 3), (1, 2, 0), (2, 0, 3), (2, 1, 0), (2, 2, 2)]
    problem = solver.make_problem(n_submissions=3, n_reviewers=3, k=1, pairs=pairs, min_load=1, max_load=1)
    solution = solver.solve(problem)
    assert solution.pairs == [(0, 0), (1, 1), (2, 2)]
    assert (solution.objective, solution.bound) == (10.0, 10.0)
    assert solver.lp_bound(problem) == pytest.approx(10.0)


def test_infeasible_when_conflicts_leave_too_few_reviewers():
    problem = solver.make_problem(n_submissions=1, n_reviewers=3, k=2, pairs=[(0, 0, 1.0)], min_load=0, max_load=1)
    with pytest.raises(solver.Infeasible):
        solver.solve(problem)


def test_pinned_pair_is_kept_even_with_low_affinity():
    pairs = [(0, 0, 9), (0, 1, 0), (1, 0, 9), (1, 1, 9)]
    problem = solver.make_problem(n_submissions=2, n_reviewers=2, k=1, pairs=pairs, min_load=1, max_load=1,
                                  pinned={(0, 1)})
    assert solver.solve(problem).pairs == [(0, 1), (1, 0)]


def test_region_rule_mip_never_puts_two_same_region_reviewers_on_one_submission():
    pairs = [(s, r, 10 if r < 2 else 1) for s in range(4) for r in range(4)]
    problem = solver.make_problem(n_submissions=4, n_reviewers=4, k=2, pairs=pairs, min_load=2, max_load=2,
                                  reviewer_region=[0, 0, 1, 1])
    solution = solver.solve(problem)
    regions = [0, 0, 1, 1]
    per_sub = {}
    for s, r in solution.pairs:
        per_sub.setdefault(s, []).append(regions[r])
    assert all(sorted(v) == [0, 1] for v in per_sub.values())
    assert solution.objective == 44.0
    assert solution.bound == pytest.approx(44.0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 12), m=st.integers(2, 6), k=st.integers(1, 3),
       density=st.floats(0.5, 1.0))
def test_property_optimal_and_never_conflicted(seed, n, m, k, density):
    k = min(k, m)
    pairs, conflicts = _instance(seed, n, m, density)
    try:
        solution, lo, hi = solver.solve_with_even_loads(n_submissions=n, n_reviewers=m, k=k, pairs=pairs)
    except solver.Infeasible:
        # then the LP relaxation with the widest bounds is infeasible too
        widest = solver.make_problem(n_submissions=n, n_reviewers=m, k=k, pairs=pairs, min_load=0, max_load=n)
        with pytest.raises(solver.Infeasible):
            solver.lp_bound(widest)
        return
    chosen = set(solution.pairs)
    assert chosen.isdisjoint(conflicts)
    assert len(chosen) == n * k
    loads = np.bincount([r for _s, r in chosen], minlength=m)
    assert lo <= loads.min() and loads.max() <= hi
    assert all(sum(1 for s2, _r in chosen if s2 == s) == k for s in range(n))
    problem = solver.make_problem(n_submissions=n, n_reviewers=m, k=k, pairs=pairs, min_load=lo, max_load=hi)
    assert solution.objective == pytest.approx(solver.lp_bound(problem), abs=1e-6)
    assert solution.bound == pytest.approx(solution.objective)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 8))
def test_property_region_mip_optimal_against_lp_bound(seed, n):
    rng = random.Random(seed)
    m = 4
    pairs = [(s, r, rng.randint(0, 9)) for s in range(n) for r in range(m)]
    regions = [0, 0, 1, 1]
    lo, hi = solver.even_bounds(n, m, 2)
    problem = solver.make_problem(n_submissions=n, n_reviewers=m, k=2, pairs=pairs, min_load=lo, max_load=hi,
                                  reviewer_region=regions)
    solution = solver.solve(problem)
    assert solution.objective <= solver.lp_bound(problem) + 1e-6
    assert solution.objective == pytest.approx(solution.bound, abs=1e-6)
    for s in range(n):
        assert sorted(regions[r] for s2, r in solution.pairs if s2 == s) == [0, 1]
