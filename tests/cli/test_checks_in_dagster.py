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
