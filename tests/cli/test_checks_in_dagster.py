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
def test_tsw_status_reads_every_check_result_as_dagster_does_without_loading_it(built_warehouse):
    """`tsw status` reads the instance's SQLite files itself (Dagster's import alone costs about 2 s of CPU):
    the same checks and the same latest result of each as Dagster's own API, and Dagster is never imported."""
    import subprocess
    import sys

    import dagster as dg

    from orchestration.lib.dagster_instance import dagster_home, project_context
    from orchestration.status import CHECK_HISTORY_SCANNED, _check_keys, _checks_from_storage

    keys, results = _checks_from_storage(dagster_home())
    with project_context() as instance:
        expected_keys = _check_keys(instance)
        assert keys == {k.to_user_string() for k in expected_keys} and len(keys) > 300
        for key in expected_keys:
            history = instance.event_log_storage.get_asset_check_execution_history(key, limit=CHECK_HISTORY_SCANNED)
            record = next((r for r in history if isinstance(r.evaluation, dg.AssetCheckEvaluation)), None)
            expected = None if record is None else (
                record.evaluation.passed, record.evaluation.severity == dg.AssetCheckSeverity.WARN)
            got = results.get(key.to_user_string())
            assert (got[:2] if got else None) == expected, key.to_user_string()
    probe = ("import sys\nfrom orchestration.status import collect_status\n"
             "print(collect_status().passing_checks, 'dagster' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(sum(1 for k in keys if k in results and results[k][0])), "False"]
