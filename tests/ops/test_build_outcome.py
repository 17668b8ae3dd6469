"""A build publishes what it can: which dbt failures withhold the snapshot, and how readers are told."""

from __future__ import annotations

import pytest

from orchestration.lib import build_state
from tests.app.marts_fixture import APP_PATH


@pytest.fixture(scope="module")
def manifest_path():
    from orchestration.defs.transform.project import dbt_project, ensure_manifest

    ensure_manifest()
    return dbt_project().manifest_path


def _result(unique_id: str, status: str, message: str = "") -> dict:
    return {"unique_id": unique_id, "status": status, "message": message}


def test_core_models_and_their_tests_are_core_the_other_marts_are_not(manifest_path):
    # Imported here, not at the top: dagster-dbt and dbt are ~5 s of CPU, which every xdist worker would pay
    # while collecting, whether or not it runs this test.
    from orchestration.defs.transform.dbt_models import FAILED, summarize_run

    run_results = {"results": [
        _result("model.tiktok_shop_warehouse.fct_order_lines", "error", "Binder Error"),
        _result("model.tiktok_shop_warehouse.stg_tiktok__orders", "success"),
        _result("model.tiktok_shop_warehouse.mart_market_size", "success"),
        _result("model.tiktok_shop_warehouse.mart_category_performance", "error", "division"),
        _result("model.tiktok_shop_warehouse.mart_spillover_event_study", "error", "crash"),
        _result("model.tiktok_shop_warehouse.mart_analysis_status", "success"),
    ]}
    outcome = {row["name"]: row for row in summarize_run(run_results, manifest_path)}
    assert outcome["fct_order_lines"]["is_core"] and outcome["stg_tiktok__orders"]["is_core"]
    assert outcome["mart_market_size"]["is_core"]
    assert not outcome["mart_category_performance"]["is_core"]
    assert not outcome["mart_spillover_event_study"]["is_core"]
    withheld_by = [n for n, row in outcome.items() if row["status"] in FAILED and row["is_core"]]
    assert withheld_by == ["fct_order_lines"]


def test_a_failed_unit_test_of_a_core_model_and_the_models_skipped_after_it_withhold_the_snapshot(manifest_path):
    # Seen on a scaled world: a dbt unit test of int_order_lines_costed errored, dbt skipped 173 nodes after it,
    # and the build published last build's facts beside this build's staging, saying "0 failed".
    from orchestration.defs.transform.dbt_models import summarize_run, withheld_by

    unit = "unit_test.tiktok_shop_warehouse.int_order_lines_costed.fees_commission_costs_and_currency_by_hand"
    run_results = {"results": [
        _result(unit, "error", "Binder Error: Set operations can only apply to expressions with the same number"),
        _result("model.tiktok_shop_warehouse.int_order_lines_costed", "skipped"),
        _result("model.tiktok_shop_warehouse.fct_order_lines", "skipped"),
        _result("model.tiktok_shop_warehouse.mart_category_performance", "skipped"),
        _result("model.tiktok_shop_warehouse.stg_tiktok__orders", "success"),
    ]}
    outcome = summarize_run(run_results, manifest_path)
    rows = {row["name"]: row for row in outcome}
    assert rows["fees_commission_costs_and_currency_by_hand"]["resource_type"] == "unit_test"
    failed, skipped = withheld_by(outcome)
    assert [n["name"] for n in failed] == ["fees_commission_costs_and_currency_by_hand"]
    assert [n["name"] for n in skipped] == ["int_order_lines_costed", "fct_order_lines"]
    # A skipped mart that is not core publishes as before (its page says what it lacks).
    assert withheld_by([r for r in outcome if r["name"] == "mart_category_performance"]) == ([], [])


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest) in two languages: 1.5 s in the unit lane at load 3
def test_a_withheld_build_is_named_by_status_and_on_every_page(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from orchestration.status import Status

    monkeypatch.setenv("TSW_HOME", str(tmp_path))
    build_state.record(published=False, failed_models=["fct_order_lines"], message="fct_order_lines: Binder Error")
    lines = "\n".join(Status(published_at="2026-11-30 06:00").lines())
    assert "NOT PUBLISHED" in lines and "fct_order_lines" in lines and "previous snapshot" in lines
    for lang in ("en", "zh"):
        at = AppTest.from_file(str(APP_PATH), default_timeout=60)
        at.query_params["lang"] = lang
        at.run()
        warnings = [w.value for w in at.warning]
        assert any("fct_order_lines" in w for w in warnings), warnings
    build_state.record(published=True)
    assert build_state.withheld() is None
