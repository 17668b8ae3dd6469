"""Freshness expectations on the raw seller-export assets.

The daily_build schedule runs at 06:00 in the seller's time zone (settings.toml) and materializes every seller-export
asset (a loader with nothing new to load still records a materialization with the table's
counts). So by 09:00 in that zone each raw export table must have a materialization from
after 06:00 that day; otherwise the schedule did not run or the loader failed, and the check
fails (severity WARN: stale data is worth a look, not a reason to block the marts).

How fresh the *seller's* data is (newest order, newest export file) is a different question; the
Overview page answers it from `raw._load_log`, and dbt sources declare `loaded_at_field` for
`dbt source freshness`.

The checks and their sensor are built when the definitions load (defs/quality/definitions.py), not at
import: building them reads the export-format YAML files.
"""

from __future__ import annotations

import datetime as dt
import warnings

import dagster as dg

from orchestration.lib import seller_settings

DEADLINE_CRON = "0 9 * * *"
# Deadline 09:00 minus 3 h = 06:00, when daily_build starts.
LOWER_BOUND = dt.timedelta(hours=3)
SENSOR_NAME = "freshness_checks_sensor"


def seller_export_keys() -> list[dg.AssetKey]:
    from orchestration.formats import load_formats

    return [dg.AssetKey(["raw", fmt.raw_table]) for fmt in load_formats()]


def build_freshness_checks() -> list[dg.AssetChecksDefinition]:
    # Dagster 1.12+ marks freshness checks "superseded" by FreshnessPolicy. We keep checks on
    # purpose: they are asset checks, so every evaluation lands in the same per-check result
    # history as the GX suites and dbt tests (UI, `tsw status`, the Data quality page), which a
    # policy's freshness state does not give.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=dg.SupersessionWarning)
        return list(
            dg.build_last_update_freshness_checks(
                assets=seller_export_keys(),
                lower_bound_delta=LOWER_BOUND,
                deadline_cron=DEADLINE_CRON,
                timezone=seller_settings.load_or_default().time_zone,
                severity=dg.AssetCheckSeverity.WARN,
            )
        )


def build_freshness_sensor(checks: list[dg.AssetChecksDefinition]) -> dg.SensorDefinition:
    # The checks only read the Dagster instance (last materialization time), never the warehouse,
    # so they need no warehouse_writer slot and the sensor may run them at any time.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=dg.SupersessionWarning)
        return dg.build_sensor_for_freshness_checks(
            freshness_checks=checks,
            name=SENSOR_NAME,
            minimum_interval_seconds=600,
        )
