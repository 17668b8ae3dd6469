"""Freshness means recent data, not only a recent load; check counts read the same everywhere
(Overview, Data quality, `tsw status`): passed, failed, and warnings apart from failures."""

from __future__ import annotations

import datetime as dt

from orchestration.lib.check_results import outcome as check_outcome
from streamlit_app.operations import STALE_DATA_AFTER_DAYS, days_since, freshness_status

NOW = dt.datetime(2026, 12, 1, 9, 0)


def test_a_recent_load_of_old_data_is_not_fresh():
    ten_months_old = days_since(dt.date(2026, 2, 1), NOW)
    assert ten_months_old > 300
    assert freshness_status(0.5, ten_months_old) == "old_data"
    assert freshness_status(0.5, days_since(dt.date(2026, 11, 30), NOW)) == "fresh"
    assert freshness_status(0.5, None) == "fresh"            # registry and reference tables: load time only
    assert freshness_status(30.0, 0.0) == "stale"            # not loaded for more than a day
    assert freshness_status(None, None) == "never"
    assert days_since(dt.date(2026, 11, 30), NOW) < 1 < STALE_DATA_AFTER_DAYS


def test_check_outcomes_match_tsw_status():
    assert check_outcome(True, "ERROR") == "passed"      # a passing check is never shown as an error
    assert check_outcome(False, "WARN") == "warning"
    assert check_outcome(False, "ERROR") == "failed"
    assert check_outcome(None, None) == "not_run"
