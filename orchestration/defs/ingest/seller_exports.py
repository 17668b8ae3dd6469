"""Raw-layer assets for seller exports (one per raw table) and the inbox sensor.

Each asset loads the inbox files of its export kind through the ingest engine (detection by
headers, one transaction per file, quarantine of bad rows/files). An asset with nothing new to
load is a no-op that still reports the table's row and file counts. All of them write to the
warehouse, so all of them run in the `warehouse_writer` pool (limit 1: DuckDB has one writer).
"""


import json

import dagster as dg

from orchestration import settings
from orchestration.formats import FormatDefinition, load_formats

POOL = "warehouse_writer"
JOB_NAME = "ingest_and_build_job"
CURSOR_LIMIT = 5000  # hashes remembered by the sensor; older ones are covered by _load_log


def _table_stats(conn, fmt: FormatDefinition) -> dict:
    rows, batches = conn.execute(
        f'SELECT count(*), count(DISTINCT _batch_id) FROM raw."{fmt.raw_table}"'
    ).fetchone()
    quarantined = conn.execute(
        "SELECT count(*) FROM raw._quarantined_rows WHERE kind = ?", [fmt.kind]
    ).fetchone()[0]
    return {"table_rows": rows, "files_loaded_total": batches, "rows_quarantined_total": quarantined}


def load_kind(context: dg.AssetExecutionContext, fmt: FormatDefinition) -> dg.MaterializeResult:
    """The one helper every seller-export asset runs."""
    from orchestration.ingest import ingest_inbox, open_warehouse

    results = ingest_inbox(kinds={fmt.kind})
    mine = [r for r in results if r.kind == fmt.kind]
    for r in results:
        if r.status == "quarantined_file":
            context.log.warning(f"quarantined: {r.message}")
        elif r.rows_quarantined:
            context.log.warning(r.message)
        else:
            context.log.info(r.message)
    conn = open_warehouse()
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
        }
    )


def _seller_export_asset(fmt: FormatDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", fmt.raw_table],
        group_name="seller_exports",
        kinds={"duckdb", "python"},
        description=f"{fmt.description} Grain: {fmt.grain}. Definition: orchestration/formats/{fmt.kind}.yaml.",
        pool=POOL,
    )
    def _asset(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        return load_kind(context, fmt)

    return _asset


def _build_assets() -> list[dg.AssetsDefinition]:
    return [_seller_export_asset(fmt) for fmt in load_formats()]


def _loaded_hashes(hashes: list[str]) -> set[str]:
    """Hashes already loaded, read from the published snapshot.

    Never the writer's file: even a read-only connection there would block a running build's writes.
    A file loaded after the last publish is caught by the run_key and is a no-op in the run anyway.
    """
    import duckdb

    path = settings.published_path()
    if not hashes or not path.exists():
        return set()
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return set()  # the cursor still prevents repeats; a duplicate run would be a no-op anyway
    try:
        rows = conn.execute(
            "SELECT sha256 FROM raw._load_log WHERE status = 'loaded' AND sha256 IN (SELECT unnest(?))", [hashes]
        ).fetchall()
        return {r[0] for r in rows}
    except duckdb.Error:
        return set()
    finally:
        conn.close()


@dg.sensor(
    name="inbox_sensor",
    job_name=JOB_NAME,
    minimum_interval_seconds=30,
    description="Starts ingest_and_build_job once per new file content (run_key = sha256) found in the inbox.",
)
def inbox_sensor(context: dg.SensorEvaluationContext):
    from orchestration.ingest import inbox_files
    from orchestration.ingest.readers import file_sha256

    state = json.loads(context.cursor) if context.cursor else {}
    seen: dict[str, str] = state.get("stat_to_sha", {})  # "name|size|mtime_ns" -> sha: no re-hashing per tick
    requested: list[str] = state.get("requested", [])
    current: dict[str, str] = {}
    for path in inbox_files():
        st = path.stat()
        key = f"{path.name}|{st.st_size}|{st.st_mtime_ns}"
        sha = seen.get(key)
        if sha is None:
            try:
                sha = file_sha256(path)
            except OSError:
                continue  # still being written or already moved away by a run
        current[key] = sha
    candidates = [sha for sha in dict.fromkeys(current.values()) if sha not in requested]
    already = _loaded_hashes(candidates)
    for key, sha in current.items():
        if sha in candidates and sha not in already:
            name = key.split("|", 1)[0]
            yield dg.RunRequest(run_key=sha, tags={"tsw/file": name[:200], "tsw/sha256": sha})
            candidates.remove(sha)
        if sha in already:
            context.log.info(f"{key.split('|', 1)[0]}: content already loaded; the next run files it away")
    requested = (requested + [s for s in dict.fromkeys(current.values()) if s not in requested])[-CURSOR_LIMIT:]
    context.update_cursor(json.dumps({"stat_to_sha": current, "requested": requested}))


sensors: list[dg.SensorDefinition] = [inbox_sensor]


def __getattr__(name: str):
    # `assets` is built on first access (definitions load), not at import: it reads the YAML definitions.
    if name == "assets":
        built = _build_assets()
        globals()["assets"] = built
        return built
    raise AttributeError(name)
