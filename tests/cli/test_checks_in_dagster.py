"""The reconciliation tests that read several models reach Dagster as asset checks (dbt meta
`dagster.ref`), so they show in the Dagster UI, `tsw status` and the Data quality page with their
history — not as bare observations."""

from __future__ import annotations

import pytest

RECONCILIATIONS = {
    "assert_category_ad_spend_reconcile": "marts/mart_category_performance",
    "assert_category_gmv_and_discounts_reconcile": "marts/mart_category_performance",
    "assert_category_net_sales_and_costs_reconcile": "marts/mart_category_performance",
    "assert_category_order_level_amounts_reconcile": "marts/mart_category_performance",
    "assert_category_orders_reconcile": "marts/fct_orders",
    "assert_category_units_reconcile": "marts/mart_category_performance",
    "assert_category_signal_claims_exist": "staging/stg_reference__category_signals",
    "assert_spillover_floor_within_channel_sales": "marts/mart_spillover_attribution_floor",
}


@pytest.mark.slow
def test_reconciliation_tests_are_evaluated_as_asset_checks(built_warehouse):
    import dagster as dg

    from orchestration.lib.dagster_instance import project_instance
    from orchestration.status import collect_status

    instance = project_instance()
    for name, asset in RECONCILIATIONS.items():
        key = dg.AssetCheckKey(dg.AssetKey(asset.split("/")), name)
        record = instance.get_latest_asset_check_evaluation_record(key)
        assert record is not None and record.evaluation is not None, f"{asset}:{name} never evaluated"
        assert record.evaluation.passed, f"{asset}:{name} did not pass on the demo build"
    status = collect_status()
    assert status.unknown_checks == 0 and not status.failing_checks


@pytest.mark.slow
def test_the_build_writes_the_check_results_table_everyone_reads(built_warehouse):
    """`tsw build` writes $TSW_HOME/check_results.parquet: the last build's checks, each with its latest result —
    the same rows as Dagster's own API gives (read here from the instance's SQLite files without importing Dagster,
    which costs seconds). `tsw status` counts that table, and never imports Dagster to do it."""
    import subprocess
    import sys

    from orchestration.lib import check_results
    from orchestration.lib.dagster_instance import dagster_home

    assert check_results.table_path().exists() and not check_results.is_stale()
    table = check_results.read()
    assert len(table) > 300
    assert table == check_results.from_storage(dagster_home()) == check_results.from_dagster()
    names = {r.check_name for r in table}
    assert "gx_export_gate" in names and set(RECONCILIATIONS) <= names  # the export gate's GX verdict too
    counts = check_results.counts(table)
    assert counts["failed"] == counts["not_run"] == 0
    passing = [r for r in table if r.outcome == "passed"]
    assert all(r.passed for r in passing) and len(passing) == counts["passed"]
    probe = ("import sys\nfrom orchestration.status import collect_status\ns = collect_status()\n"
             "print(s.passing_checks, len(s.warning_checks), len(s.failing_checks), 'dagster' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(counts["passed"]), str(counts["warning"]), "0", "False"]
