"""`tsw status`: what is loaded, when, and which checks fail — from the published build and
the project's Dagster instance (which records every check of every run, CLI or scheduled)."""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestration import settings

CHECK_HISTORY_SCANNED = 20  # executions looked through for the latest result (killed runs leave planned ones)


@dataclass
class Status:
    published_at: str | None
    tables: list[tuple[str, int, str | None]] = field(default_factory=list)  # name, rows, loaded_at
    failing_checks: list[tuple[str, str]] = field(default_factory=list)      # check, when
    passing_checks: int = 0
    warning_checks: list[str] = field(default_factory=list)
    unknown_checks: int = 0
    files: tuple[int, int, int] | None = None                                 # files, rows loaded, quarantined

    def lines(self) -> list[str]:
        out = [f"home:       {settings.describe_home()}",
               f"warehouse:  {settings.warehouse_path()}",
               f"published:  {self.published_at or 'never — run `tsw build` (or set TSW_HOME to the home you built)'}"]
        from orchestration.lib import build_state

        withheld = build_state.withheld()
        if withheld:
            out.append(f"LAST BUILD NOT PUBLISHED ({withheld['at']}): core model(s) failed: "
                       f"{', '.join(withheld['failed_models'])}. Readers still see the previous snapshot.")
        if self.tables:
            out.append("loaded tables (raw):")
            width = max(len(t[0]) for t in self.tables)
            out += [f"  {name:<{width}}  {rows:>9,} rows  loaded {loaded or '-'}" for name, rows, loaded in self.tables]
        if self.files:
            out.append(f"seller export files: {self.files[0]} loaded, rows loaded {self.files[1]:,}, "
                       f"rows quarantined {self.files[2]:,}")
        if self.passing_checks or self.warning_checks or self.failing_checks or self.unknown_checks:
            out.append(f"checks: {self.passing_checks} passing, {len(self.warning_checks)} warning, "
                       f"{len(self.failing_checks)} failing, {self.unknown_checks} never run")
        else:
            out.append("checks: none yet — no build has run in this home (`tsw build`)")
        out += [f"  warning {name}" for name in self.warning_checks]
        out += [f"  FAILING {name} (last run {when})" for name, when in self.failing_checks]
        return out


def _tables() -> list[tuple[str, int, str | None]]:
    import duckdb

    path = settings.published_path()
    if not path.exists():
        return []
    out = []
    with duckdb.connect(str(path), read_only=True) as conn:
        names = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' order by 1").fetchall()
        for (name,) in names:
            cols = {r[0] for r in conn.execute(
                "select column_name from information_schema.columns where table_schema='raw' and table_name=?",
                [name]).fetchall()}
            loaded = "max(_loaded_at)::varchar" if "_loaded_at" in cols else "null"
            rows, last = conn.execute(f'select count(*), {loaded} from raw."{name}"').fetchone()
            out.append((f"raw.{name}", rows, last))
    return out


def _sqlite(path):
    import sqlite3

    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)


def _user_key(check: dict) -> str:
    return f"{'/'.join(check['asset_key']['path'])}:{check['name']}"


def _checks_from_storage(home) -> tuple[set[str], dict[str, tuple[bool, bool, float]]] | None:
    """The last build's checks and each one's latest result, read straight from the instance's SQLite files
    without importing Dagster (about 2 s of CPU at every `tsw status`): the build's execution plan in runs.db,
    the check executions in the event-log index. Returns None when the storage is not laid out as expected
    (another Dagster version or storage): the caller then asks Dagster itself."""
    import json
    import sqlite3
    import zlib

    runs_db, index_db = home / "history" / "runs.db", home / "history" / "runs" / "index.db"
    if not runs_db.exists():
        return set(), {}  # no run ever started in this home
    try:
        with _sqlite(runs_db) as conn:
            run = conn.execute("select run_body from runs where pipeline_name = 'ingest_and_build_job' "
                               "order by id desc limit 1").fetchone()
            if run is None:
                return set(), {}
            plan_id = json.loads(run[0]).get("execution_plan_snapshot_id")
            body = conn.execute("select snapshot_body from snapshots where snapshot_id = ?", [plan_id]).fetchone()
        plan = json.loads(zlib.decompress(body[0]))
        keys = {_user_key(out["properties"]["asset_check_key"]) for step in plan["steps"] for out in step["outputs"]
                if (out.get("properties") or {}).get("asset_check_key")}
        results: dict[str, tuple[bool, bool, float]] = {}
        if index_db.exists():
            with _sqlite(index_db) as conn:
                rows = conn.execute(
                    "select evaluation_event from asset_check_executions "
                    "where execution_status in ('SUCCEEDED', 'FAILED') and evaluation_event is not null "
                    "order by id desc").fetchall()
            for (event,) in rows:
                evaluation = json.loads(event)["dagster_event"]["event_specific_data"]
                key = _user_key({"asset_key": evaluation["asset_key"], "name": evaluation["check_name"]})
                if key not in results:  # the newest evaluation of each check
                    warn = (evaluation.get("severity") or {}).get("__enum__") == "AssetCheckSeverity.WARN"
                    results[key] = (bool(evaluation["success"]), warn, float(json.loads(event)["timestamp"]))
        return keys, results
    except (sqlite3.Error, KeyError, TypeError, ValueError, zlib.error):
        return None


def _check_keys(instance) -> set:
    """The checks of the last build: read from its execution plan in the instance (a tenth of a second),
    not by loading the definitions (dbt's manifest, every asset: 10+ seconds). Before any build, the
    definitions."""
    import dagster as dg

    runs = instance.get_runs(filters=dg.RunsFilter(job_name="ingest_and_build_job"), limit=1)
    if runs and runs[0].execution_plan_snapshot_id:
        snapshot = instance.get_execution_plan_snapshot(runs[0].execution_plan_snapshot_id)
        keys = {out.properties.asset_check_key for step in snapshot.steps for out in step.outputs
                if out.properties is not None and out.properties.asset_check_key is not None}
        if keys:
            return keys
    from orchestration.definitions import defs

    return set(defs().resolve_asset_graph().asset_check_keys)


def collect_status() -> Status:
    import datetime as dt

    from orchestration.lib.dagster_instance import prepare_dagster_home, project_context

    path = settings.published_path()
    published = dt.datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds") if path.exists() else None
    status = Status(published_at=published, tables=_tables())
    files = [t for t in status.tables if t[0] == "raw._load_log"]
    if files and path.exists():
        import duckdb
        with duckdb.connect(str(path), read_only=True) as conn:
            row = conn.execute("select count(*), coalesce(sum(rows_loaded),0), coalesce(sum(rows_quarantined),0) "
                               "from raw._load_log where status = 'loaded'").fetchone()
            status.files = tuple(int(x) for x in row)

    from orchestration.lib.dagster_instance import dagster_home

    if not dagster_home().exists():
        # Nothing was ever built in this home: report that, and create nothing where we were asked.
        return status
    found = _checks_from_storage(dagster_home())
    if found is not None:
        keys, results = found
        for key in sorted(keys):
            if key not in results:
                status.unknown_checks += 1
                continue
            passed, warn, at = results[key]
            if passed:
                status.passing_checks += 1
            elif warn:
                status.warning_checks.append(key)
            else:
                status.failing_checks.append((key, dt.datetime.fromtimestamp(at).isoformat(timespec="seconds")))
        return status
    import dagster as dg

    prepare_dagster_home()
    with project_context() as instance:
        check_keys = _check_keys(instance)
    for key in sorted(check_keys, key=lambda k: k.to_user_string()):
        # The latest *evaluation*: a check whose run died (or is still running) has only a "planned"
        # record, with no result; the result before it still stands.
        history = instance.event_log_storage.get_asset_check_execution_history(key, limit=CHECK_HISTORY_SCANNED)
        record = next((r for r in history if isinstance(r.evaluation, dg.AssetCheckEvaluation)), None)
        evaluation = record.evaluation if record is not None else None
        if evaluation is None:
            status.unknown_checks += 1
        elif evaluation.passed:
            status.passing_checks += 1
        elif evaluation.severity == dg.AssetCheckSeverity.WARN:
            status.warning_checks.append(key.to_user_string())
        else:
            when = dt.datetime.fromtimestamp(record.event.timestamp).isoformat(timespec="seconds")
            status.failing_checks.append((key.to_user_string(), when))
    return status
