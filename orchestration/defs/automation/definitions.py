"""What runs by itself: the full-build job, its daily schedule, the inbox and stale-run sensors."""

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    from orchestration.defs.automation.schedules import daily_build_schedule, ingest_and_build_job
    from orchestration.defs.automation.sensors import sensors

    return dg.Definitions(jobs=[ingest_and_build_job], schedules=[daily_build_schedule], sensors=sensors)
