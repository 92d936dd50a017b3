import numpy as np
import pytest

from urbis.awards import normalisation as norm


def test_raw_mean_exact():
    obs = [(0, 0, 8), (0, 1, 6), (1, 0, 4)]
    assert norm.raw_mean(obs, 3, 2).tolist()[:2] == [7.0, 4.0]
    assert np.isnan(norm.raw_mean(obs, 3, 2)[2])


def test_zscore_removes_a_harsh_reviewer():
    # reviewer 1 gives 5 less to everything; z-scores make the two reviewers agree exactly
    obs = [(0, 0, 9), (1, 0, 7), (2, 0, 5), (0, 1, 4), (1, 1, 2), (2, 1, 0)]
    z = norm.zscore(obs, 3, 2)
    assert z.tolist() == pytest.approx([1.224744871, 0.0, -1.224744871])


def test_bias_model_recovers_offsets_beating_raw_mean():
    # submission 0 only seen by the harsh reviewer, 1 only by the lenient one: raw mean is misled
    obs = [(0, 0, 6), (1, 1, 6), (2, 0, 4), (2, 1, 8), (3, 0, 5), (3, 1, 9)]
    raw = norm.raw_mean(obs, 4, 2)
    bias = norm.bias_model(obs, 4, 2, damp=0.01)
    assert raw[0] == raw[1]
    assert norm.ranking(bias)[:2] == [0, 3]
    assert bias[0] > bias[1]


def test_ranking_deterministic_ties_and_missing_last():
    assert norm.ranking(np.array([1.0, np.nan, 3.0, 1.0])) == [2, 0, 3, 1]


def test_bootstrap_intervals_contain_point_rank_and_are_reproducible():
    rng = np.random.default_rng(1)
    q = np.linspace(0, 5, 10)
    obs = [(s, r, q[s] + rng.normal(0, 1)) for s in range(10) for r in range(4)]
    a = norm.bootstrap_rank_intervals(obs, 10, 4, "raw_mean", samples=100, seed=3)
    b = norm.bootstrap_rank_intervals(obs, 10, 4, "raw_mean", samples=100, seed=3)
    assert a == b
    point = norm.ranks(norm.raw_mean(obs, 10, 4))
    assert all(lo <= 10 and hi >= 1 and lo <= hi for lo, hi in a)
    assert sum(lo <= p <= hi for (lo, hi), p in zip(a, point, strict=True)) >= 8


def test_top_precision_and_spearman():
    truth = np.arange(10.0)
    assert norm.top_precision(truth, truth, 3) == 1.0
    assert norm.spearman(truth, -truth) == pytest.approx(-1.0)


def _jury(n_subs=40, n_revs=7, k=3, seed=5, integer=True):
    rng = np.random.default_rng(seed)
    q = rng.normal(0, 1, n_subs)
    bias = rng.normal(0, 1, n_revs)
    obs = []
    for s in range(n_subs):
        for r in rng.choice(n_revs, k, replace=False):
            score = 5 + 1.5 * q[s] + bias[r] + rng.normal(0, 1)
            obs.append((s, int(r), float(np.clip(np.round(score), 1, 10)) if integer else float(score)))
    return obs


@pytest.mark.parametrize("method", norm.METHODS)
@pytest.mark.parametrize("integer", [True, False])
def test_fast_bootstrap_ranks_equal_the_obvious_loop(method, integer):
    # integer scores make many exact ties: the tie-break (by index) must be the same as ranks()'s
    obs = _jury(integer=integer)
    s, r, y = norm._arrays(obs)
    picks = norm.bootstrap_picks(obs, 40, samples=60, seed=11)
    fast = norm._rank_rows(norm._weighted_estimates(method, s, r, y, picks, 40, 7))
    assert fast.tolist() == norm.reference_sample_ranks(obs, 40, 7, method, picks).tolist()


def test_bootstrap_picks_resample_within_each_submission():
    obs = [(0, 0, 1.0), (1, 0, 2.0), (0, 1, 3.0), (2, 1, 4.0), (0, 2, 5.0)]
    picks = norm.bootstrap_picks(obs, 4, samples=200, seed=1)
    per_submission = np.stack([picks[:, [0, 2, 4]].sum(1), picks[:, [1]].sum(1), picks[:, [3]].sum(1)], axis=1)
    assert per_submission.tolist() == [[3, 1, 1]] * 200  # every sample keeps each submission's number of reviews
    assert sorted(set(picks[:, 0].tolist())) == [0, 1, 2, 3]  # and draws with replacement


def test_weighted_bias_model_solves_what_lsqr_approximates():
    obs = _jury(integer=False)
    s, r, y = norm._arrays(obs)
    exact = norm._weighted_estimates("bias_model", s, r, y, np.ones((1, len(y))), 40, 7)[0]
    assert np.max(np.abs(exact - norm.bias_model(obs, 40, 7))) < 1e-6


@pytest.mark.parametrize("method", norm.METHODS)
def test_bootstrap_unreviewed_submission_always_last(method):
    obs = _jury()  # submissions 0..39; submission 40 has no review
    assert norm.bootstrap_rank_intervals(obs, 41, 7, method, samples=50)[40] == (41, 41)
