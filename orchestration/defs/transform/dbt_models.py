"""Every dbt model as a Dagster asset, and every dbt data test as an asset check.

A build publishes what it can: dbt runs every model it can, and only a failure of a *core* model (dbt tag
`core`: staging, the order-line facts and products, the market marts) — or an error-severity test on one —
fails this step, which withholds the snapshot so readers keep the previous one. Any other model that
fails (a category or spillover mart) is logged with dbt's reason and recorded in `raw._build_models`,
which the published snapshot carries, and the rest of the build still publishes.
"""


import json
import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration import settings
from orchestration.defs.resources import WarehouseResource
from orchestration.lib import dbt_refresh, seller_settings


class LayeredTranslator(DagsterDbtTranslator):
    """Asset keys = schema/name (marts/mart_market_size); groups = layer or mart domain."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "model":
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        """dbt tests as asset checks; only an error-severity test on a *core* model blocks (fails the dbt
        step and so withholds the snapshot). A failing test on any other model is a failed check that is
        reported while the rest of the build still publishes."""

        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or not spec.blocking:
            return spec
        parents = [p for p in manifest.get("nodes", {}).get(unique_id, {}).get("depends_on", {}).get("nodes", [])
                   if p.startswith("model.")]
        core = bool(parents) and all("core" in manifest["nodes"].get(p, {}).get("tags", []) for p in parents)
        return spec if core else spec._replace(blocking=False)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if len(fqn) >= 3 and fqn[1] == "marts":
            return f"marts_{fqn[2]}"
        if len(fqn) >= 2:
            return fqn[1]
        return None


class DbtBuildConfig(dg.Config):
    """`full_refresh`: rebuild every incremental model from all raw rows (`tsw build --full-refresh`)."""

    full_refresh: bool = False


def build_dbt_assets(project: DbtProject) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=LayeredTranslator(),
        name="dbt_models",
        pool="warehouse_writer",
    )
    def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource,
                   config: DbtBuildConfig):
        # dbt's profile reads the warehouse path from the environment of this step.
        os.environ.update({k: v for k, v in settings.subprocess_env().items()
                           if k in ("TSW_WAREHOUSE", "DBT_SEND_ANONYMOUS_USAGE_STATS", "DO_NOT_TRACK", "TSW_OWNER")})
        # Per-run artifacts and dbt.log under $TSW_HOME, never in the code checkout (recovery keeps the newest).
        target = settings.dbt_runs_dir() / context.run_id
        # The seller's settings (time zone) are dbt vars; a bad settings file stops here with its own message.
        seller = seller_settings.load()
        # Incremental order-line staging unless code, seeds or settings changed (lib/dbt_refresh.py).
        with warehouse.writer() as conn:
            decision = dbt_refresh.decide(conn, seller.dbt_vars(), requested=config.full_refresh)
        context.log.info(f"dbt: {'full refresh' if decision.full_refresh else 'incremental'} ({decision.reason})")
        args = ["build", "--vars", json.dumps(seller.dbt_vars())] + (["--full-refresh"] if decision.full_refresh else [])
        invocation = dbt.cli(args, context=context, raise_on_error=False, target_path=target)
        try:
            yield from invocation.stream()
        finally:
            # If streaming stopped early, dbt may still hold the warehouse's write lock: the next
            # writer in the pool must not start until it is gone.
            if invocation.process.poll() is None:
                invocation.process.terminate()
                invocation.process.wait(timeout=60)
        outcome = summarize_run(invocation.get_artifact("run_results.json"), project.manifest_path)
        record_outcome(outcome, warehouse)
        for node in outcome:
            if node["status"] in FAILED and not node["is_core"]:
                context.log.error(f"{node['name']} failed ({node['status']}); the rest of the build still "
                                  f"publishes: {node['message']}")
        failed, skipped = withheld_by(outcome)
        if failed or skipped:
            from orchestration.lib import build_state

            names = ", ".join(n["name"] for n in failed)
            if skipped:
                names += f"{'; ' if failed else ''}{len(skipped)} core model(s) not rebuilt after it"
            build_state.record(published=False, failed_models=[n["name"] for n in failed + skipped],
                               message="; ".join(f"{n['name']}: {n['message']}" for n in failed))
            raise dg.Failure(
                description=f"Core model(s) failed: {names}. The snapshot was not published; readers keep the "
                            "previous one.",
                metadata={"failed": dg.MetadataValue.md("\n".join(
                    f"- **{n['name']}** ({n['status']}): {n['message']}" for n in failed + skipped))},
            )
        if not invocation.is_successful() and not any(n["status"] in FAILED for n in outcome):
            raise dg.Failure(description=f"dbt build failed: {invocation.get_error()}")
        # Only a dbt step whose core models all built may let the next build be incremental.
        with warehouse.writer() as conn:
            dbt_refresh.record(conn, decision)

    return dbt_models


FAILED = {"error", "fail", "runtime error"}


def withheld_by(outcome: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The core nodes that failed (models, data tests and dbt unit tests), and the core models dbt skipped after a
    failure: a skipped model keeps the previous build's table, and publishing it beside this build's tables would
    mix two builds. Either withholds the snapshot."""
    failed = [n for n in outcome if n["is_core"] and n["status"] in FAILED]
    skipped = [n for n in outcome if n["is_core"] and n["status"] == "skipped" and n["resource_type"] == "model"]
    return failed, skipped


def summarize_run(run_results: Mapping[str, Any], manifest_path) -> list[dict[str, Any]]:
    """One row per dbt node of the run: its status, dbt's message, and whether it is core.

    A test counts as core when its only model is core (a failing error-severity test on a fact
    withholds the snapshot like a failing model)."""
    import json

    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    # dbt's unit tests sit beside the nodes in the manifest, not among them.
    nodes = {**manifest.get("unit_tests", {}), **manifest["nodes"]}

    def is_core(unique_id: str) -> bool:
        node = nodes.get(unique_id, {})
        if node.get("resource_type") == "model":
            return "core" in node.get("tags", [])
        if node.get("resource_type") in ("test", "unit_test"):
            parents = [p for p in node.get("depends_on", {}).get("nodes", []) if p.startswith("model.")]
            return bool(parents) and all(is_core(p) for p in parents)
        return False

    rows = []
    for result in run_results.get("results", []):
        unique_id = result["unique_id"]
        node = nodes.get(unique_id, {})
        rows.append({
            "unique_id": unique_id,
            "name": node.get("name", unique_id.split(".")[-1]),
            "resource_type": node.get("resource_type", unique_id.split(".")[0]),
            "status": str(result.get("status")),
            "message": (result.get("message") or "")[:2000],
            "is_core": is_core(unique_id),
        })
    return rows


def record_outcome(outcome: list[dict[str, Any]], warehouse: WarehouseResource) -> None:
    """Write the run's per-model outcome to raw._build_models (replaced each build; published with it)."""
    import pandas as pd

    frame = pd.DataFrame(outcome, columns=["unique_id", "name", "resource_type", "status", "message", "is_core"])
    frame["built_at"] = pd.Timestamp.now(tz="UTC").tz_localize(None)
    warehouse.replace_tables({"raw._build_models": frame})
