"""The Dagster code location: assembles the definitions from the domain folders under defs/.

Loaded lazily (@dg.definitions) so importing this module does no work; loading it makes
sure dbt's manifest is current first.
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration import settings


@dg.definitions
def defs() -> dg.Definitions:
    from orchestration.defs.analysis import spillover_estimates
    from orchestration.defs.automation import sensors as automation_sensors
    from orchestration.defs.automation.schedules import daily_build_schedule, ingest_and_build_job
    from orchestration.defs.ingest import articles, seller_exports
    from orchestration.defs.quality import freshness
    from orchestration.defs.reporting.publish import build_publish_asset
    from orchestration.defs.transform.dbt_models import build_dbt_assets
    from orchestration.defs.transform.project import dbt_project, ensure_manifest

    ensure_manifest()
    project = dbt_project()
    dbt_models = build_dbt_assets(project)

    assets: list = [
        articles.article_registry, *articles.reference_assets, *seller_exports.assets, dbt_models,
        *spillover_estimates.assets,
    ]
    checks: list = [
        *articles.registry_asset_checks, *articles.reference_asset_checks, *spillover_estimates.asset_checks,
        *freshness.freshness_checks,
    ]
    sensors: list = [*automation_sensors.sensors, freshness.freshness_sensor]

    assets.append(build_publish_asset(sinks(assets)))

    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=[ingest_and_build_job],
        schedules=[daily_build_schedule],
        sensors=sensors,
        resources={"dbt": DbtCliResource(project_dir=project, dbt_executable=str(settings.dbt_executable()))},
    )


def sinks(assets: list[dg.AssetsDefinition]) -> list[dg.AssetKey]:
    """The assets nothing else depends on. Every asset is upstream of one of them, so an asset that
    depends on these (the published snapshot) runs last and waits for everything."""
    produced = {key for a in assets for key in a.keys}
    needed = {dep for a in assets for deps in a.asset_deps.values() for dep in deps}
    return sorted(produced - needed, key=lambda key: key.to_user_string())
