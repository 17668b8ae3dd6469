"""The exports' cached timestamp formatters write exactly what pandas' strftime writes (DST edges, NaT)."""

from __future__ import annotations

import numpy as np
import pytest

from tsw_demo import exports as X


def _times() -> np.ndarray:
    rng = np.random.default_rng(3)
    base = np.datetime64("2024-12-25T00:00:00", "s")
    random = base + rng.integers(0, 600 * 86400, 20_000).astype("timedelta64[s]")
    # Every second of the four transition nights (spring forward: 02:00-03:00 does not exist; fall back:
    # 01:00-02:00 happens twice) and midnight/noon boundaries.
    edges = [np.datetime64(d, "s") + np.arange(0, 4 * 3600, 7).astype("timedelta64[s]")
             for d in ("2025-03-09T00:00:00", "2025-11-02T00:00:00", "2026-03-08T00:00:00", "2026-11-01T00:00:00")]
    nat = np.array(["NaT"] * 5, dtype="datetime64[s]")
    return np.concatenate([random, *edges, nat, np.array(["2025-01-01T00:00:00", "2025-01-01T12:00:00"],
                                                         dtype="datetime64[s]")])


@pytest.mark.parametrize("name", ["us_time", "us_date", "iso_utc", "shopify_time"])
def test_fast_formatter_equals_pandas(name):
    ts = _times()
    fast = getattr(X, name)(ts)
    slow = getattr(X, f"pandas_{name}")(ts)
    assert list(fast) == list(slow)


def test_all_nat_and_empty():
    for name in ("us_time", "us_date", "iso_utc", "shopify_time"):
        assert list(getattr(X, name)(np.array(["NaT"], dtype="datetime64[s]"))) == [""]
        assert len(getattr(X, name)(np.array([], dtype="datetime64[s]"))) == 0
