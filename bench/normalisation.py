"""Score normalisation on simulated juries: each method's Spearman correlation with the true quality
and its top-15 precision, for random and expertise-clustered assignments.

Model: score = quality[s] + bias[r] (+ a harshness scale per reviewer) + noise, clipped and rounded to a
1–10 scale. "Clustered": reviewers of a cluster (region/expertise) see mostly that cluster's submissions,
and the clusters' reviewers differ in bias — the case where raw means mislead most.

Run: .venv/bin/python bench/normalisation.py
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from urbis.awards import normalisation as norm  # noqa: E402

N_SUBS, N_REVS, K, TOP, TRIALS = 273, 11, 3, 15, 50


def simulate(rng, clustered: bool):
    quality = rng.normal(0, 1, N_SUBS)
    bias = rng.normal(0, 0.8, N_REVS)
    scale = rng.uniform(0.6, 1.4, N_REVS)
    obs = []
    if clustered:
        clusters = 3
        sub_cluster = rng.integers(0, clusters, N_SUBS)
        rev_cluster = np.arange(N_REVS) % clusters
        bias += np.array([-0.8, 0.0, 0.8])[rev_cluster]
    for s in range(N_SUBS):
        if clustered:
            weights = np.where(rev_cluster == sub_cluster[s], 8.0, 1.0)
            revs = rng.choice(N_REVS, K, replace=False, p=weights / weights.sum())
        else:
            revs = rng.choice(N_REVS, K, replace=False)
        for r in revs:
            raw = 5.5 + 1.5 * scale[r] * quality[s] + 1.5 * bias[r] + rng.normal(0, 0.8)
            obs.append((s, r, float(np.clip(np.round(raw), 1, 10))))
    return quality, obs


def main() -> None:
    for clustered in (False, True):
        rng = np.random.default_rng(2021)
        rho = {m: [] for m in norm.METHODS}
        prec = {m: [] for m in norm.METHODS}
        started = time.perf_counter()
        for _ in range(TRIALS):
            quality, obs = simulate(rng, clustered)
            for m in norm.METHODS:
                est = norm.estimate(m, obs, N_SUBS, N_REVS)
                rho[m].append(norm.spearman(est, quality))
                prec[m].append(norm.top_precision(est, quality, TOP))
        elapsed = time.perf_counter() - started
        label = "expertise-clustered" if clustered else "random"
        print(f"{label} assignment: {N_SUBS} submissions, {N_REVS} reviewers, k={K}, {TRIALS} simulated juries "
              f"({elapsed:.1f} s)")
        for m in norm.METHODS:
            print(f"  {m:<11} Spearman {np.mean(rho[m]):.3f} ± {np.std(rho[m]):.3f}   "
                  f"top-{TOP} precision {np.mean(prec[m]):.3f} ± {np.std(prec[m]):.3f}")
    rng = np.random.default_rng(7)
    quality, obs = simulate(rng, False)
    started = time.perf_counter()
    norm.bootstrap_rank_intervals(obs, N_SUBS, N_REVS, "bias_model", samples=200)
    print(f"bootstrap rank intervals (bias model, 200 resamples): {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
