"""Jobs and schedules."""

from __future__ import annotations

import dagster as dg

# Everything: loaders are idempotent (a file already loaded is a no-op), dbt rebuilds the
# models, the snapshot is republished. The inbox sensor and the daily schedule both run it.
ingest_and_build_job = dg.define_asset_job(
    "ingest_and_build_job",
    selection=dg.AssetSelection.all(),
    description="Load new seller exports and registry changes, rebuild every model, publish.",
)

daily_build_schedule = dg.ScheduleDefinition(
    name="daily_build",
    job=ingest_and_build_job,
    cron_schedule="0 6 * * *",
    execution_timezone="America/Los_Angeles",
    description="Every morning before US sellers start: rebuild everything and republish.",
)
