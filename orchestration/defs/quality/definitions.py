"""Checks that are not the loaders' or dbt's own: freshness of every raw seller export, and their sensor."""

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    from orchestration.defs.quality.freshness import build_freshness_checks, build_freshness_sensor

    checks = build_freshness_checks()
    return dg.Definitions(asset_checks=checks, sensors=[build_freshness_sensor(checks)])
