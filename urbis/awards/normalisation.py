"""Score normalisation: pure numeric functions, no Django.

Observations are (submission index, reviewer index, score). Three estimates of each submission's
quality, shown side by side:
- raw mean of its scores;
- mean of per-reviewer z-scores (each reviewer's scores centred and scaled by that reviewer);
- least-squares reviewer-bias model: score = mean + quality[s] + offset[r] + noise, solved sparsely
  (scipy.sparse + lsqr) with mild shrinkage (damping) towards zero.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

METHODS = ("raw_mean", "zscore", "bias_model")


def _arrays(obs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arr = np.asarray(obs, dtype=float).reshape(-1, 3)
    return arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2]


def _mean_by(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    sums = np.bincount(index, weights=values, minlength=n)
    counts = np.bincount(index, minlength=n)
    out = np.full(n, np.nan)
    seen = counts > 0
    out[seen] = sums[seen] / counts[seen]
    return out


def raw_mean(obs, n_submissions: int, n_reviewers: int) -> np.ndarray:
    s, _r, y = _arrays(obs)
    return _mean_by(s, y, n_submissions)


def zscore(obs, n_submissions: int, n_reviewers: int) -> np.ndarray:
    s, r, y = _arrays(obs)
    mean_r = _mean_by(r, y, n_reviewers)
    var_r = _mean_by(r, (y - mean_r[r]) ** 2, n_reviewers)
    std_r = np.sqrt(np.nan_to_num(var_r))
    std_r[std_r == 0] = 1.0  # a reviewer who gives one value everywhere carries no ranking information
    z = (y - mean_r[r]) / std_r[r]
    return _mean_by(s, z, n_submissions)


def bias_model(obs, n_submissions: int, n_reviewers: int, damp: float = 0.3) -> np.ndarray:
    from scipy import sparse
    from scipy.sparse.linalg import lsqr

    s, r, y = _arrays(obs)
    nobs = len(y)
    if nobs == 0:
        return np.full(n_submissions, np.nan)
    mu = float(y.mean())
    rows = np.concatenate([np.arange(nobs), np.arange(nobs)])
    cols = np.concatenate([s, n_submissions + r])
    design = sparse.csr_matrix((np.ones(2 * nobs), (rows, cols)), shape=(nobs, n_submissions + n_reviewers))
    solution = lsqr(design, y - mu, damp=damp, atol=1e-10, btol=1e-10, iter_lim=10_000)[0]
    quality = mu + solution[:n_submissions]
    counts = np.bincount(s, minlength=n_submissions)
    quality[counts == 0] = np.nan
    return quality


ESTIMATORS: dict[str, Callable] = {"raw_mean": raw_mean, "zscore": zscore, "bias_model": bias_model}


def estimate(method: str, obs, n_submissions: int, n_reviewers: int) -> np.ndarray:
    return ESTIMATORS[method](obs, n_submissions, n_reviewers)


def ranking(values: np.ndarray) -> list[int]:
    """Indices from best to worst; missing values last; ties by index (deterministic)."""
    vals = np.where(np.isnan(values), -np.inf, values)
    return sorted(range(len(vals)), key=lambda i: (-round(float(vals[i]), 9), i))


def ranks(values: np.ndarray) -> np.ndarray:
    order = ranking(values)
    out = np.empty(len(order), dtype=np.int64)
    out[order] = np.arange(1, len(order) + 1)
    return out


def bootstrap_rank_intervals(obs, n_submissions: int, n_reviewers: int, method: str, *, samples: int = 200,
                             seed: int = 0, level: float = 0.9) -> list[tuple[int, int]]:
    """Resample each submission's reviews with replacement; the central `level` interval of its rank."""
    s, r, y = _arrays(obs)
    rng = np.random.default_rng(seed)
    groups = [np.nonzero(s == i)[0] for i in range(n_submissions)]
    all_ranks = np.empty((samples, n_submissions), dtype=np.int64)
    for b in range(samples):
        picks = np.concatenate([g[rng.integers(0, len(g), len(g))] for g in groups if len(g)] or [np.array([], int)])
        sample = np.column_stack([s[picks], r[picks], y[picks]])
        all_ranks[b] = ranks(estimate(method, sample, n_submissions, n_reviewers))
    lo = np.percentile(all_ranks, 100 * (1 - level) / 2, axis=0, method="lower")
    hi = np.percentile(all_ranks, 100 * (1 + level) / 2, axis=0, method="higher")
    return [(int(a), int(b)) for a, b in zip(lo, hi, strict=True)]


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


def top_precision(estimated: np.ndarray, truth: np.ndarray, top: int) -> float:
    best_est = set(ranking(estimated)[:top])
    best_true = set(ranking(truth)[:top])
    return len(best_est & best_true) / top
