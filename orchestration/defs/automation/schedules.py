"""Jobs and schedules."""

from __future__ import annotations

import dagster as dg

from orchestration.lib import seller_settings

# Everything: loaders are idempotent (a file already loaded is a no-op), dbt rebuilds the
# models, the snapshot is republished. The inbox sensor and the daily schedule both run it.
ingest_and_build_job = dg.define_asset_job(
    "ingest_and_build_job",
    # Every asset of this shop; the named shops' builds (`shop_build`, one partition each) are their own job.
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("shops"),
    description="Load new seller exports and registry changes, rebuild every model, publish.",
)

daily_build_schedule = dg.ScheduleDefinition(
    name="daily_build",
    job=ingest_and_build_job,
    cron_schedule="0 6 * * *",
    # 06:00 in the seller's time zone ($TSW_HOME/settings.toml; a bad file falls back to the default here and
    # stops the build itself with its message).
    execution_timezone=seller_settings.load_or_default().time_zone,
    description="Every morning before the seller's day starts: rebuild everything and republish.",
)
