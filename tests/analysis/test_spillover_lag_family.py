"""The lag family of fit_lag_family: its truncated humps, and the one-kernel fast path equal to the general fit."""

from __future__ import annotations

import numpy as np

from orchestration.analysis import spillover as sp
from orchestration.analysis.spillover import lag_family as lf
from orchestration.analysis.spillover import regression as rg


def test_truncated_humps_end_at_their_day_and_only_where_the_cut_matters():
    cand = sp.LagCandidates.default()
    full = sp.LagCandidates.default(truncated=False)
    assert len(full.labels) == len(lf.GAMMA_PEAKS) * len(lf.GAMMA_SHAPES)
    cut = [(label, B[:, 0], e) for label, B, e in zip(cand.labels, cand.bases, cand.extra_params, strict=True)
           if "ending at day" in label]
    assert cut and len(cand.labels) == len(full.labels) + len(cut)
    for label, w, extra in cut:
        day = int(label.rsplit(" ", 1)[1])
        assert day in lf.GAMMA_CUTS and w[day + 1 :].sum() == 0.0 and w[day] > 0
        assert abs(w.sum() - 1.0) < 1e-12 and extra == lf.TRUNCATED_EXTRA_PARAMS
    # a narrow early hump has nothing past day 14, so it has no truncated twin
    assert not any(label.startswith("gamma hump, peak 1 days, shape 8.0,") for label, _, _ in cut)


def _panel(n=300, seed=0, noise=150.0):
    rng = np.random.default_rng(seed)
    x = rng.gamma(2.0, 500.0, n + 35)
    y = 3000.0 + rng.normal(0, noise, n + 35)
    w = lf.gamma_kernel(6, 2.0)
    w = np.where(np.arange(36) <= 14, w, 0.0)
    w /= w.sum()
    for lag, wl in enumerate(w):
        y[lag:] += 0.3 * wl * x[: len(x) - lag]
    L = np.column_stack([rg.shifted(x, k) for k in range(36)])[35:]
    Z = np.column_stack([np.ones(n), np.arange(n) / 365.0])
    return y[35:], Z, L


def test_one_kernel_fast_path_equals_the_general_fit():
    y, Z, L = _panel()
    cand = sp.LagCandidates.default()
    fast = lf._fit_candidates(y, Z, L, cand)
    # a two-column candidate sends the same family through the general loop; its penalty keeps its weight at 0
    two = np.zeros((36, 2))
    two[:15, 0], two[15:, 1] = 1 / 15, 1 / 21
    slow = lf._fit_candidates(y, Z, L, sp.LagCandidates(cand.labels + ["two"], cand.bases + [two],
                                                        cand.extra_params + [10**6]))
    assert fast[0] == slow[0]
    np.testing.assert_allclose([fast[1], fast[3], fast[4]], [slow[1], slow[3], slow[4]], rtol=1e-9)
    np.testing.assert_allclose(fast[2], slow[2], rtol=1e-9, atol=1e-15)


def test_a_response_that_stops_at_day_14_is_recovered_with_no_late_share():
    y, Z, L = _panel(seed=3, noise=20.0)
    best, est, _, _, late = lf._fit_candidates(y, Z, L, sp.LagCandidates.default())
    assert sp.LagCandidates.default().labels[best].endswith("ending at day 14")
    assert abs(est - 0.3) / 0.3 < 0.05 and late < 0.01
    # the untruncated humps alone must spread a tail past day 14 that is not there
    _, _, _, _, late_full = lf._fit_candidates(y, Z, L, sp.LagCandidates.default(truncated=False))
    assert late_full > 0.05
