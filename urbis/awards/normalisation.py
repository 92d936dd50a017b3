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


def bootstrap_picks(obs, n_submissions: int, *, samples: int, seed: int = 0) -> np.ndarray:
    """(samples × observations) counts: how often each observation is drawn when every submission's
    reviews are resampled with replacement (each submission keeps its number of reviews)."""
    s, _r, _y = _arrays(obs)
    nobs = len(s)
    rng = np.random.default_rng(seed)
    order = np.argsort(s, kind="stable")
    sizes = np.bincount(s, minlength=n_submissions)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    group = s[order]
    u = rng.random((samples, nobs))
    drawn = order[starts[group] + np.minimum((u * sizes[group]).astype(np.int64), sizes[group] - 1)]
    counts = np.zeros((samples, nobs), dtype=np.int64)
    rows = np.repeat(np.arange(samples), nobs)
    np.add.at(counts, (rows, drawn.ravel()), 1)
    return counts


def _rank_rows(values: np.ndarray) -> np.ndarray:
    """ranks() of every row at once: best first, missing last, ties by index."""
    key = np.where(np.isnan(values), np.inf, -np.round(values, 9))
    order = np.argsort(key, axis=1, kind="stable")
    out = np.empty_like(order)
    np.put_along_axis(out, order, np.arange(1, values.shape[1] + 1)[None, :].repeat(values.shape[0], 0), axis=1)
    return out


def _weighted_estimates(method: str, s, r, y, weights: np.ndarray, n_submissions: int, n_reviewers: int,
                        damp: float = 0.3) -> np.ndarray:
    """Every bootstrap sample's estimate at once, from observation weights (samples × observations).

    The same estimators as above, written with weights instead of repeated rows; the bias model is solved
    exactly through its normal equations (Schur complement on the reviewers), which lsqr approximates."""
    from scipy import sparse

    w = weights.astype(float)
    nobs = len(y)
    by_s = sparse.csr_matrix((np.ones(nobs), (np.arange(nobs), s)), shape=(nobs, n_submissions))
    by_r = sparse.csr_matrix((np.ones(nobs), (np.arange(nobs), r)), shape=(nobs, n_reviewers))
    count_s = np.asarray((by_s.T @ w.T).T)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "raw_mean":
            return np.asarray((by_s.T @ (w * y).T).T) / np.where(count_s > 0, count_s, np.nan)
        if method == "zscore":
            count_r = np.asarray((by_r.T @ w.T).T)
            safe_r = np.where(count_r > 0, count_r, 1.0)
            mean_r = np.asarray((by_r.T @ (w * y).T).T) / safe_r
            dev = y[None, :] - mean_r[:, r]
            var_r = np.asarray((by_r.T @ (w * dev ** 2).T).T) / safe_r
            std_r = np.sqrt(var_r)
            std_r[std_r == 0] = 1.0
            z = dev / std_r[:, r]
            return np.asarray((by_s.T @ (w * z).T).T) / np.where(count_s > 0, count_s, np.nan)
        if method == "bias_model":
            mu = (w @ y) / w.sum(axis=1)
            e = y[None, :] - mu[:, None]
            count_r = np.asarray((by_r.T @ w.T).T)
            b_s = np.asarray((by_s.T @ (w * e).T).T)
            b_r = np.asarray((by_r.T @ (w * e).T).T)
            pair = sparse.csr_matrix((np.ones(nobs), (np.arange(nobs), s * n_reviewers + r)),
                                     shape=(nobs, n_submissions * n_reviewers))
            cross = np.asarray((pair.T @ w.T).T).reshape(-1, n_submissions, n_reviewers)
            inv_s = 1.0 / (count_s + damp ** 2)
            schur = -np.einsum("bsr,bs,bst->brt", cross, inv_s, cross)
            schur[:, np.arange(n_reviewers), np.arange(n_reviewers)] += count_r + damp ** 2
            rhs = b_r - np.einsum("bsr,bs->br", cross, b_s * inv_s)
            offset = np.linalg.solve(schur, rhs[:, :, None])[:, :, 0]
            quality = (b_s - np.einsum("bsr,br->bs", cross, offset)) * inv_s + mu[:, None]
            quality[count_s == 0] = np.nan
            return quality
    raise KeyError(method)


def bootstrap_rank_intervals(obs, n_submissions: int, n_reviewers: int, method: str, *, samples: int = 200,
                             seed: int = 0, level: float = 0.9) -> list[tuple[int, int]]:
    """Resample each submission's reviews with replacement; the central `level` interval of its rank.

    All samples are estimated at once (weights, not copies; the bias model solved exactly), so 100
    samples of a 264-submission round take tens of milliseconds."""
    s, r, y = _arrays(obs)
    picks = bootstrap_picks(obs, n_submissions, samples=samples, seed=seed)
    all_ranks = _rank_rows(_weighted_estimates(method, s, r, y, picks, n_submissions, n_reviewers))
    return _central(all_ranks, level)


def reference_sample_ranks(obs, n_submissions: int, n_reviewers: int, method: str,
                           picks: np.ndarray) -> np.ndarray:
    """The same bootstrap ranks the slow, obvious way (copy each sample's rows, estimate, rank): tests and
    the benchmark compare the fast path with it."""
    s, r, y = _arrays(obs)
    out = np.empty((len(picks), n_submissions), dtype=np.int64)
    for b, counts in enumerate(picks):
        rows = np.repeat(np.arange(len(y)), counts)
        sample = np.column_stack([s[rows], r[rows], y[rows]])
        out[b] = ranks(estimate(method, sample, n_submissions, n_reviewers))
    return out


def _central(all_ranks: np.ndarray, level: float) -> list[tuple[int, int]]:
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
