"""Publishing the finished build to readers (Streamlit, `tsw sql`)."""


from collections.abc import Iterable

import dagster as dg

from orchestration.defs.resources import WarehouseResource


def build_publish_asset(upstream: Iterable[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=["published_snapshot"],
        deps=list(upstream),
        group_name="reporting",
        kinds={"duckdb"},
        pool="warehouse_writer",
        description="Atomically replaces $TSW_HOME/published.duckdb with the finished warehouse, so "
                    "readers only ever see complete builds and never hold the writer's lock.",
    )
    def published_snapshot(warehouse: WarehouseResource) -> dg.MaterializeResult:
        from orchestration.lib import build_state

        report: dict = {}
        path = warehouse.publish(report)
        build_state.record(published=True)
        return dg.MaterializeResult(metadata={
            "path": str(path),
            "method": report.get("method", ""),
            "warehouse_free_share": dg.MetadataValue.float(round(report.get("free_share") or 0.0, 3)),
            "bytes": dg.MetadataValue.int(path.stat().st_size),
            "warehouse": str(warehouse.path()),
        })

    return published_snapshot
