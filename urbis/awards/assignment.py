"""The reviewer-assignment solver: pure numbers in, pairs out; no Django.

Each submission gets k reviewers, each reviewer's load stays in [min_load, max_load], only allowed
pairs (conflicts and forbidden pairs already removed by the caller) are used, pinned pairs are always
used, and the total affinity is maximal.

Without extra rules this is a min-cost flow (OR-Tools network simplex): its constraint matrix is
totally unimodular, so the LP relaxation has an integral optimum and the bound equals the objective.
With "at most one reviewer from the same region per submission" it is a MIP, solved by SciPy's HiGHS,
whose dual bound is reported.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

SCALE = 1000  # affinities are rounded to 1/1000 for the integer network solver


class Infeasible(Exception):
    """No assignment satisfies k, the load bounds and the allowed pairs."""


@dataclass
class Problem:
    n_submissions: int
    n_reviewers: int
    k: int
    min_load: int
    max_load: int
    subs: np.ndarray  # allowed pairs: submission index per pair
    revs: np.ndarray  # reviewer index per pair
    affinity: np.ndarray  # affinity per pair (float)
    pinned: set[tuple[int, int]] = field(default_factory=set)
    reviewer_region: list[int] | None = None  # set to enforce one reviewer per region per submission


@dataclass
class Solution:
    pairs: list[tuple[int, int]]
    objective: float
    bound: float
    solver: str
    seconds: float


def even_bounds(n_submissions: int, n_reviewers: int, k: int) -> tuple[int, int]:
    """The tightest load bounds: every reviewer gets floor or ceil of the average."""
    total = n_submissions * k
    return total // n_reviewers, math.ceil(total / n_reviewers)


def make_problem(*, n_submissions: int, n_reviewers: int, k: int, pairs: list[tuple[int, int, float]],
                 min_load: int | None = None, max_load: int | None = None, pinned=(),
                 reviewer_region: list[int] | None = None) -> Problem:
    lo, hi = even_bounds(n_submissions, n_reviewers, k)
    arr = np.array(pairs, dtype=float).reshape(-1, 3)
    return Problem(n_submissions=n_submissions, n_reviewers=n_reviewers, k=k,
                   min_load=lo if min_load is None else min_load, max_load=hi if max_load is None else max_load,
                   subs=arr[:, 0].astype(np.int64), revs=arr[:, 1].astype(np.int64), affinity=arr[:, 2],
                   pinned=set(pinned), reviewer_region=reviewer_region)


def solve(problem: Problem) -> Solution:
    if problem.reviewer_region is not None:
        return solve_mip(problem)
    return solve_flow(problem)


def _pin_counts(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    sub_pins = np.zeros(problem.n_submissions, dtype=np.int64)
    rev_pins = np.zeros(problem.n_reviewers, dtype=np.int64)
    for s, r in problem.pinned:
        sub_pins[s] += 1
        rev_pins[r] += 1
    if (sub_pins > problem.k).any() or (rev_pins > problem.max_load).any():
        raise Infeasible("more pinned pairs than k or the load cap allow")
    return sub_pins, rev_pins


def solve_flow(problem: Problem) -> Solution:
    """Min-cost flow: submissions supply k units, reviewers pass them to the sink within their bounds."""
    from ortools.graph.python import min_cost_flow

    started = time.perf_counter()
    n, m, k = problem.n_submissions, problem.n_reviewers, problem.k
    sub_pins, rev_pins = _pin_counts(problem)
    pinned = problem.pinned
    if pinned:
        keep = np.array([(int(s), int(r)) not in pinned for s, r in zip(problem.subs, problem.revs, strict=True)],
                        dtype=bool)
    else:
        keep = np.ones(len(problem.subs), dtype=bool)
    subs, revs, aff = problem.subs[keep], problem.revs[keep], problem.affinity[keep]
    lower = np.maximum(problem.min_load - rev_pins, 0)
    upper = problem.max_load - rev_pins
    sink = n + m
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([subs, n + np.arange(m)])
    heads = np.concatenate([n + revs, np.full(m, sink)])
    caps = np.concatenate([np.ones(len(subs), dtype=np.int64), upper - lower])
    costs = np.concatenate([-np.rint(aff * SCALE).astype(np.int64), np.zeros(m, dtype=np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.concatenate([k - sub_pins, -lower, [-(n * k - int(sub_pins.sum()) - int(lower.sum()))]])
    flow.set_nodes_supplies(np.arange(n + m + 1), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise Infeasible(f"min-cost flow status {status}")
    flows = flow.flows(np.arange(len(subs)))
    chosen = np.nonzero(flows)[0]
    pairs = sorted(pinned) + list(zip(subs[chosen].tolist(), revs[chosen].tolist(), strict=True))
    pin_aff = _pinned_affinity(problem)
    objective = float(aff[chosen].sum()) + pin_aff
    # Total unimodularity: the LP bound of the (rounded) problem is the integral optimum itself.
    bound = -flow.optimal_cost() / SCALE + pin_aff
    return Solution(pairs=sorted(pairs), objective=objective, bound=max(bound, objective), solver="min_cost_flow",
                    seconds=time.perf_counter() - started)


def _pinned_affinity(problem: Problem) -> float:
    if not problem.pinned:
        return 0.0
    lookup = {(int(s), int(r)): float(a) for s, r, a in zip(problem.subs, problem.revs, problem.affinity, strict=True)}
    return sum(lookup.get(p, 0.0) for p in problem.pinned)


def _constraint_matrices(problem: Problem):
    from scipy import sparse

    p = len(problem.subs)
    cols = np.arange(p)
    by_sub = sparse.csr_matrix((np.ones(p), (problem.subs, cols)), shape=(problem.n_submissions, p))
    by_rev = sparse.csr_matrix((np.ones(p), (problem.revs, cols)), shape=(problem.n_reviewers, p))
    return by_sub, by_rev


def solve_mip(problem: Problem) -> Solution:
    """MIP with HiGHS for the region rule; reports HiGHS's dual bound."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    started = time.perf_counter()
    p = len(problem.subs)
    if p == 0:
        raise Infeasible("no allowed pair")
    by_sub, by_rev = _constraint_matrices(problem)
    constraints = [LinearConstraint(by_sub, problem.k, problem.k),
                   LinearConstraint(by_rev, problem.min_load, problem.max_load)]
    if problem.reviewer_region is not None:
        region = np.asarray(problem.reviewer_region)[problem.revs]
        n_regions = int(region.max()) + 1 if p else 1
        group = problem.subs * n_regions + region
        uniq, row = np.unique(group, return_inverse=True)
        by_group = sparse.csr_matrix((np.ones(p), (row, np.arange(p))), shape=(len(uniq), p))
        constraints.append(LinearConstraint(by_group, 0, 1))
    lb = np.zeros(p)
    for i, (s, r) in enumerate(zip(problem.subs.tolist(), problem.revs.tolist(), strict=True)):
        if (s, r) in problem.pinned:
            lb[i] = 1
    result = milp(-problem.affinity, constraints=constraints, integrality=np.ones(p),
                  bounds=Bounds(lb, np.ones(p)), options={"mip_rel_gap": 0})
    if result.status != 0 or result.x is None:
        raise Infeasible(result.message)
    chosen = np.nonzero(result.x > 0.5)[0]
    pairs = list(zip(problem.subs[chosen].tolist(), problem.revs[chosen].tolist(), strict=True))
    objective = float(problem.affinity[chosen].sum())
    bound = -float(getattr(result, "mip_dual_bound", -objective))
    return Solution(pairs=sorted(pairs), objective=objective, bound=bound, solver="milp_highs",
                    seconds=time.perf_counter() - started)


def lp_bound(problem: Problem) -> float:
    """The LP relaxation's optimum (scipy linprog, HiGHS): no assignment can beat it."""
    from scipy.optimize import linprog

    p = len(problem.subs)
    if p == 0:
        raise Infeasible("no allowed pair")
    by_sub, by_rev = _constraint_matrices(problem)
    from scipy import sparse

    a_ub = sparse.vstack([by_rev, -by_rev])
    b_ub = np.concatenate([np.full(problem.n_reviewers, problem.max_load), np.full(problem.n_reviewers, -problem.min_load)])
    lb = np.zeros(p)
    for i, (s, r) in enumerate(zip(problem.subs.tolist(), problem.revs.tolist(), strict=True)):
        if (s, r) in problem.pinned:
            lb[i] = 1
    result = linprog(-problem.affinity, A_ub=a_ub, b_ub=b_ub, A_eq=by_sub, b_eq=np.full(problem.n_submissions, problem.k),
                     bounds=list(zip(lb, np.ones(p), strict=True)), method="highs")
    if result.status != 0:
        raise Infeasible(result.message)
    return -float(result.fun)


def solve_with_even_loads(*, n_submissions: int, n_reviewers: int, k: int, pairs, pinned=(),
                          reviewer_region=None, max_widen: int = 50) -> tuple[Solution, int, int]:
    """Try the tightest load bounds first and widen them one step at a time until feasible."""
    lo, hi = even_bounds(n_submissions, n_reviewers, k)
    for widen in range(max_widen + 1):
        problem = make_problem(n_submissions=n_submissions, n_reviewers=n_reviewers, k=k, pairs=pairs,
                               min_load=max(lo - widen, 0), max_load=hi + widen, pinned=pinned,
                               reviewer_region=reviewer_region)
        try:
            return solve(problem), problem.min_load, problem.max_load
        except Infeasible:
            continue
    raise Infeasible("no feasible assignment even with widened load bounds")
