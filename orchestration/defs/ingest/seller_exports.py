"""Raw-layer assets for seller exports (one per raw table); the inbox sensor is in defs/automation/sensors.py.

Each asset loads the inbox files of its export kind through the ingest engine (detection by
headers, one transaction per file, quarantine of bad rows/files). An asset with nothing new to
load is a no-op that still reports the table's row and file counts. All of them write to the
warehouse, so all of them run in the `warehouse_writer` pool (limit 1: DuckDB has one writer).
"""


import dagster as dg

from orchestration.defs.resources import WarehouseResource
from orchestration.formats import FormatDefinition, load_formats

POOL = "warehouse_writer"
GATE_CHECK = "gx_export_gate"


def _table_stats(conn, fmt: FormatDefinition) -> dict:
    rows, batches = conn.execute(
        f'SELECT count(*), count(DISTINCT _batch_id) FROM raw."{fmt.raw_table}"'
    ).fetchone()
    quarantined = conn.execute(
        "SELECT count(*) FROM raw._quarantined_rows WHERE kind = ?", [fmt.kind]
    ).fetchone()[0]
    return {"table_rows": rows, "files_loaded_total": batches, "rows_quarantined_total": quarantined}


def load_kind(context: dg.AssetExecutionContext, fmt: FormatDefinition, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """The one helper every seller-export asset runs."""
    from orchestration.ingest import ingest_inbox, open_warehouse

    results = ingest_inbox(kinds={fmt.kind}, warehouse=warehouse.path())
    mine = [r for r in results if r.kind == fmt.kind]
    for r in results:
        if r.status == "quarantined_file":
            context.log.warning(f"quarantined: {r.message}")
        elif r.rows_quarantined:
            context.log.warning(r.message)
        else:
            context.log.info(r.message)
    conn = open_warehouse(warehouse.path())
    try:
        stats = _table_stats(conn, fmt)
    finally:
        conn.close()
    loaded = [r for r in mine if r.status == "loaded"]
    return dg.MaterializeResult(
        metadata={
            "files_loaded": dg.MetadataValue.int(len(loaded)),
            "files_duplicate": dg.MetadataValue.int(sum(r.status == "duplicate" for r in mine)),
            "files_quarantined": dg.MetadataValue.int(sum(r.status == "quarantined_file" for r in results)),
            "rows_loaded": dg.MetadataValue.int(sum(r.rows_loaded for r in loaded)),
            "rows_quarantined": dg.MetadataValue.int(sum(r.rows_quarantined for r in loaded)),
            "files": dg.MetadataValue.json([{"file": r.file, "status": r.status, "batch_id": r.batch_id,
                                             "rows_loaded": r.rows_loaded, "rows_quarantined": r.rows_quarantined}
                                            for r in results]),
            "table_rows": dg.MetadataValue.int(stats["table_rows"]),
            "files_loaded_total": dg.MetadataValue.int(stats["files_loaded_total"]),
            "rows_quarantined_total": dg.MetadataValue.int(stats["rows_quarantined_total"]),
            "grain": fmt.grain,
        },
        check_results=[export_gate_result(mine)],
    )


def export_gate_result(results) -> dg.AssetCheckResult:
    """The gate's verdict on this build's files of one kind (a file refused earlier, e.g. unreadable, never
    reached it and is not counted here; it is in the load log and quarantine/ all the same)."""
    checked = [r for r in results if r.gate is not None]
    refused = [r for r in checked if r.gate == "failed"]
    return dg.AssetCheckResult(
        check_name=GATE_CHECK,
        passed=not refused,
        metadata={
            "files_checked": dg.MetadataValue.int(len(checked)),
            "files_refused": dg.MetadataValue.int(len(refused)),
            "failures": dg.MetadataValue.md("\n".join(f"- {r.message}" for r in refused[:50]) or "none"),
        },
    )


def _seller_export_asset(fmt: FormatDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", fmt.raw_table],
        group_name="seller_exports",
        kinds={"duckdb", "python"},
        description=f"{fmt.description} Grain: {fmt.grain}. Definition: orchestration/formats/{fmt.kind}.yaml.",
        pool=POOL,
        check_specs=[dg.AssetCheckSpec(
            GATE_CHECK, asset=["raw", fmt.raw_table],
            description="Great Expectations gate on every file of this kind the build loaded (required columns, "
                        "keys, dates inside the file's period, one currency, known statuses): fails when a file was "
                        "refused by it (the file is in quarantine/ with its reason; the rest of the build goes on).",
        )],
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        return load_kind(context, fmt, warehouse)

    return _asset


def build_assets() -> list[dg.AssetsDefinition]:
    """One loader asset per export definition (reads the format YAML files: called when definitions load)."""
    return [_seller_export_asset(fmt) for fmt in load_formats()]
