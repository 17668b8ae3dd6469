"""Every dbt model as a Dagster asset, and every dbt data test as an asset check."""


import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration import settings


class LayeredTranslator(DagsterDbtTranslator):
    """Asset keys = schema/name (marts/mart_market_size); groups = layer or mart domain."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "model":
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if len(fqn) >= 3 and fqn[1] == "marts":
            return f"marts_{fqn[2]}"
        if len(fqn) >= 2:
            return fqn[1]
        return None


def build_dbt_assets(project: DbtProject) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=LayeredTranslator(),
        name="dbt_models",
        pool="warehouse_writer",
    )
    def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        # dbt's profile reads the warehouse path from the environment of this step.
        os.environ.update({k: v for k, v in settings.subprocess_env().items()
                           if k in ("TSW_WAREHOUSE", "DBT_SEND_ANONYMOUS_USAGE_STATS", "DO_NOT_TRACK")})
        invocation = dbt.cli(["build"], context=context)
        try:
            yield from invocation.stream()
        finally:
            # If streaming stopped early, dbt may still hold the warehouse's write lock: the next
            # writer in the pool must not start until it is gone.
            if invocation.process.poll() is None:
                invocation.process.terminate()
                invocation.process.wait(timeout=60)

    return dbt_models
