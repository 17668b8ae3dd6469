"""The dbt project: every model an asset, every data test an asset check, and the `dbt` resource.

Loading makes sure dbt's manifest is current first (`ensure_manifest`: `dbt parse` only when a model,
macro or test is newer than the manifest)."""

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    from dagster_dbt import DbtCliResource

    from orchestration import settings
    from orchestration.defs.transform.dbt_models import build_dbt_assets
    from orchestration.defs.transform.project import dbt_project, ensure_manifest

    ensure_manifest()
    project = dbt_project()
    return dg.Definitions(
        assets=[build_dbt_assets(project)],
        resources={"dbt": DbtCliResource(project_dir=project, dbt_executable=str(settings.dbt_executable()))},
    )
