"""A new seller's spillover marts: with no exports, a day, a week or one channel only, every analysis
publishes rows with a status and a reason in English and Chinese instead of failing the build; a crash in
the estimator becomes a 'failed' row and a failed asset check, and the other groups are still estimated.

The inputs are small DuckDB warehouses holding a marts.mart_channel_daily shaped like the dbt model's
(product, category and 'all' grains; the columns the spillover step reads), filled with realistic daily
sales for a seller who has just started exporting.
"""

from __future__ import annotations

import warnings
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from orchestration.analysis import spillover as sp
from orchestration.analysis import spillover_schema as schema
from orchestration.analysis.spillover import mart_rows as mart_rows_module
from orchestration.defs.analysis import spillover_estimates as step
from tests.analysis.thin_marts import mart_rows, write_mart

# Not unit tests: each runs the spillover step (the estimator with its bootstrap, some through the Dagster asset)
# on a thin panel: 2.5-13 s each, 67 s for the file in a loaded unit lane (load 5-6). They run in make test.
pytestmark = pytest.mark.slow

CHANNELS = ("amazon", "shopify")


def run_step(tmp_path, rows: pd.DataFrame) -> pd.DataFrame:
    path = tmp_path / "warehouse.duckdb"
    write_mart(path, rows)
    step.run_spillover_step(path)
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"select * from {step.TABLE}").df()


def assert_every_channel_and_method_explained(rows: pd.DataFrame) -> None:
    assert set(rows["target_channel"]) == set(CHANNELS)
    for channel in CHANNELS:
        assert set(rows.loc[rows["target_channel"] == channel, "method"]) == set(sp.METHODS)
    assert rows["status"].isin(schema.STATUSES).all()
    assert step.check_estimates(rows) == []
    no_figure = rows[rows["status"] != sp.STATUS_OK]
    assert no_figure["estimate"].isna().all() and no_figure["ci_low"].isna().all()
    assert no_figure["reason"].str.len().gt(20).all() and no_figure["reason_zh"].str.len().gt(10).all()
    # The Chinese reason is Chinese, not the English sentence again.
    assert not no_figure["reason_zh"].str.contains("the estimate", regex=False).any()


# ----------------------------------------------------------------------------------------- thin homes
def test_no_exports_at_all_publishes_insufficient_data_rows(tmp_path):
    rows = run_step(tmp_path, mart_rows(0))
    assert_every_channel_and_method_explained(rows)
    assert set(rows["product_group"]) == {"all"}
    assert (rows["status"] == sp.STATUS_INSUFFICIENT).all()
    assert rows["reason"].str.contains("No TikTok Shop sales").all()
    assert rows["reason"].str.contains(f"at least {sp.MIN_ESTIMATE_DAYS} days").all()
    assert rows["reason_zh"].str.contains("TikTok Shop 销售").all()


@pytest.mark.parametrize("days", [1, 7])
def test_a_day_or_a_week_of_exports_says_how_many_days_and_how_many_are_needed(tmp_path, days):
    rows = run_step(tmp_path, mart_rows(days))
    assert_every_channel_and_method_explained(rows)
    assert set(rows["product_group"]) == {"all", "beauty_personal_care"}
    assert (rows["status"] == sp.STATUS_INSUFFICIENT).all()
    reg = rows[rows["method"] == "regression_dl"]
    word = "day" if days == 1 else "days"
    assert reg["reason"].str.startswith(f"{days} {word} of TikTok Shop sales; the estimate needs at least 90").all()
    assert reg["reason_zh"].str.contains(f"只有 {days} 天").all()
    assert (rows["days_of_data"] == days).all()
    assert (pd.to_datetime(rows["window_start"]).dt.date == date(2026, 11, 1)).all()
    lags = rows[rows["method"] == "lag_correlation"]
    assert lags["reason"].str.contains(f"needs at least {sp.MIN_LAG_PROFILE_DAYS}").all()


def test_tiktok_only_seller_sees_that_amazon_and_shopify_do_not_apply(tmp_path):
    rows = run_step(tmp_path, mart_rows(120, amazon=False, shopify=False))
    assert_every_channel_and_method_explained(rows)
    assert (rows["status"] == sp.STATUS_NOT_APPLICABLE).all()
    amazon = rows[rows["target_channel"] == "amazon"]
    assert amazon["reason"].str.startswith("No Amazon sales in the loaded exports").all()
    assert amazon["reason_zh"].str.contains("没有亚马逊销售").all()


@pytest.mark.parametrize("channel", ["amazon", "shopify"])
def test_a_seller_without_tiktok_sales_gets_insufficient_data_for_both_channels(tmp_path, channel):
    rows = run_step(tmp_path, mart_rows(30, tiktok=False, amazon=channel == "amazon",
                                        shopify=channel == "shopify"))
    assert_every_channel_and_method_explained(rows)
    assert set(rows["product_group"]) == {"all"}
    assert (rows["status"] == sp.STATUS_INSUFFICIENT).all()
    assert rows["reason"].str.contains("No TikTok Shop sales").all()


def test_shopify_only_beside_tiktok_estimates_shopify_and_explains_amazon(tmp_path):
    rows = run_step(tmp_path, mart_rows(200, amazon=False, seed=3))
    assert_every_channel_and_method_explained(rows)
    by = rows.set_index(["product_group", "target_channel", "method"])
    assert by.loc[("all", "amazon", "regression_dl"), "status"] == sp.STATUS_NOT_APPLICABLE
    shopify = by.loc[("all", "shopify", "regression_dl")]
    assert shopify["status"] == sp.STATUS_OK
    assert np.isfinite(shopify["estimate"]) and shopify["ci_low"] <= shopify["estimate"] <= shopify["ci_high"]
    assert pd.isna(shopify["reason"])


def test_steady_sales_publish_no_event_study_figure_without_enough_bursts(tmp_path):
    rows = run_step(tmp_path, mart_rows(200, seed=4))
    event = rows[(rows["method"] == "event_study")]
    # Poisson-steady TikTok sales have no quiet-week-then-spike bursts worth the name.
    assert (event["status"] == sp.STATUS_INSUFFICIENT).all()
    assert event["reason"].str.contains(f"the event study needs at least {sp.MIN_EVENTS}").all()
    assert event["estimate"].isna().all()


# ----------------------------------------------------------------------------------------- a crash
def test_a_crash_in_one_group_is_a_failed_row_and_the_others_are_estimated(tmp_path, monkeypatch):
    real = sp.burst_event_study

    def buggy(df, *args, **kwargs):
        if buggy.calls == 0:
            buggy.calls += 1
            raise ZeroDivisionError("float division by zero")
        return real(df, *args, **kwargs)

    buggy.calls = 0
    # the per-group rows are made in spillover.mart_rows, which looks the study up there
    monkeypatch.setattr(mart_rows_module, "burst_event_study", buggy)
    rows = run_step(tmp_path, mart_rows(200, seed=5))
    failed = rows[rows["status"] == sp.STATUS_FAILED]
    assert len(failed) == len(sp.METHODS)  # the first group x channel only
    assert failed["reason"].str.contains("ZeroDivisionError: float division by zero").all()
    assert failed["reason"].str.contains("not in your data").all()
    assert failed["reason_zh"].str.contains("ZeroDivisionError").all()
    others = rows[rows["status"] != sp.STATUS_FAILED]
    assert (others.loc[others["method"] == "regression_dl", "status"] == sp.STATUS_OK).all()
    assert step.failed_analyses(rows) and len(step.failed_analyses(rows)) == 3


def test_dagster_asset_succeeds_on_an_empty_home_and_its_check_fails_only_on_a_crash(tmp_path, monkeypatch):
    import dagster as dg

    monkeypatch.setenv("TSW_HOME", str(tmp_path))
    write_mart(tmp_path / "warehouse.duckdb", mart_rows(0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = dg.materialize(
            [step.mart_spillover_estimates, step.gx_mart_spillover_estimates, step.spillover_analyses_ran]
        )
    assert result.success
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks == {"gx_mart_spillover_estimates": True, "spillover_analyses_ran": True}

    (tmp_path / "warehouse.duckdb").unlink()
    write_mart(tmp_path / "warehouse.duckdb", mart_rows(100, seed=6))

    def crash(*args, **kwargs):
        raise RuntimeError("a bug in the estimator")

    monkeypatch.setattr(mart_rows_module, "estimate_spillover", crash)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = dg.materialize(
            [step.mart_spillover_estimates, step.gx_mart_spillover_estimates, step.spillover_analyses_ran],
            raise_on_error=False,
        )
    assert result.success  # the asset is materialized: the rest of the build goes on and publishes
    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert checks["gx_mart_spillover_estimates"].passed
    assert not checks["spillover_analyses_ran"].passed
    assert "a bug in the estimator" in checks["spillover_analyses_ran"].metadata["failures"].value
