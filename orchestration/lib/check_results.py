"""The latest result of every check of the last build, as one small table: $TSW_HOME/check_results.parquet.

`tsw status`, the Overview and the Data quality pages all read this table, so they count the same checks the
same way (passed / warning / failed / not run), and none of them opens Dagster to do it (loading Dagster made
the Overview's first render take about 9 s). Who writes it:
- `tsw build` (and so the app's build button), at the end of its run;
- `check_results_sensor` (defs/automation/sensors.py), after any run the daemon started (schedule, inbox sensor,
  freshness checks), within a minute;
- a reader that finds the table older than the instance's storage (or missing) rewrites it first.

It is a file beside the snapshot, not a table in it: a check that runs after the publish step (the spillover
checks, the freshness checks the sensor runs) would otherwise be missing until the next build.

Both the build's checks and each one's latest result are read straight from the instance's SQLite files, without
importing Dagster: the checks of the last `ingest_and_build_job` (its execution plan in runs.db) and the newest
evaluation of each (the event-log index) from any run — a check whose run died keeps its previous result.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from orchestration import settings

JOB_NAME = "ingest_and_build_job"
PUBLISH_ASSET_KEY = '["published_snapshot"]'
PASSED, WARNING, FAILED, NOT_RUN = "passed", "warning", "failed", "not_run"
OUTCOMES = (PASSED, WARNING, FAILED, NOT_RUN)
COLUMNS = {
    "asset": "varchar",
    "check_name": "varchar",
    "outcome": "varchar",       # passed | warning | failed | not_run
    "passed": "boolean",        # null when not run
    "severity": "varchar",      # ERROR | WARN (what a failure of this check means), null when not run
    "evaluated_at": "timestamp",  # UTC
    "run_id": "varchar",
    "description": "varchar",   # the check's own sentence, if it gives one (English: Dagster's / dbt's)
    "facts": "varchar",         # JSON {name: number or text}: what it found (rows failing, files refused...)
}
TABLE_VERSION = "2"  # in the storage marker: a table written by an older version is rewritten
FILE_NAME = "check_results.parquet"
# Metadata that says how a check ran, not what it found: left out of its detail text.
METADATA_NOISE = {"Execution Duration", "invocation_id", "unique_id", "status"}


@dataclass(frozen=True)
class CheckResult:
    asset: str
    check_name: str
    outcome: str
    passed: bool | None
    severity: str | None
    evaluated_at: datetime | None
    run_id: str | None
    description: str
    facts: str = "{}"

    @property
    def key(self) -> str:
        return f"{self.asset}:{self.check_name}"


def outcome(passed: object, severity: object) -> str:
    """`passed`, `warning` (did not pass, WARN severity) or `failed`. A passing check is never an "ERROR": the
    severity says what a failure would mean."""
    if passed is None:
        return NOT_RUN
    if bool(passed):
        return PASSED
    return WARNING if str(severity).upper().endswith("WARN") else FAILED


def table_path(home: Path | None = None) -> Path:
    return (home or settings.tsw_home()) / FILE_NAME


def _dagster_home(home: Path | None) -> Path:
    from orchestration.lib.dagster_instance import dagster_home

    return (home / "dagster") if home is not None else dagster_home()


def _storage_files(dagster_home: Path) -> list[Path]:
    history = dagster_home / "history"
    return [history / "runs.db", history / "runs" / "index.db"]


def _sqlite(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)


def _user_key(asset_key: dict, name: str) -> str:
    return f"{'/'.join(asset_key['path'])}:{name}"


def _facts(metadata: dict | None) -> str:
    """The evaluation's metadata entries that say what the check found, as JSON {name: number or text} (the app
    words the ones it knows in the reader's language)."""
    facts = {}
    for name, value in (metadata or {}).items():
        if name in METADATA_NOISE:
            continue
        if isinstance(value, dict):
            shown = next((value[k] for k in ("value", "text", "md_str", "data") if k in value), None)
        else:
            shown = value
        if isinstance(shown, bool | int | float) or (isinstance(shown, str) and shown):
            facts[name.removeprefix("dagster_dbt/")] = shown
    return json.dumps(facts, ensure_ascii=False, sort_keys=True)


def from_storage(dagster_home: Path) -> list[CheckResult] | None:
    """The last build's checks with each one's latest result, read from the instance's SQLite files. [] when no
    build ever ran in this home; None when the storage is not laid out as expected (another Dagster version or
    storage): the caller then asks Dagster itself (`from_dagster`)."""
    runs_db, index_db = _storage_files(dagster_home)
    if not runs_db.exists():
        return []
    try:
        with _sqlite(runs_db) as conn:
            run = conn.execute("select run_body from runs where pipeline_name = ? order by id desc limit 1",
                               [JOB_NAME]).fetchone()
            if run is None:
                return []
            plan_id = json.loads(run[0]).get("execution_plan_snapshot_id")
            body = conn.execute("select snapshot_body from snapshots where snapshot_id = ?", [plan_id]).fetchone()
        plan = json.loads(zlib.decompress(body[0]))
        keys = {}
        for step in plan["steps"]:
            for out in step["outputs"]:
                check = (out.get("properties") or {}).get("asset_check_key")
                if check:
                    keys[_user_key(check["asset_key"], check["name"])] = ("/".join(check["asset_key"]["path"]),
                                                                          check["name"])
        latest: dict[str, CheckResult] = {}
        if index_db.exists():
            with _sqlite(index_db) as conn:
                rows = conn.execute(
                    "select evaluation_event, run_id from asset_check_executions "
                    "where execution_status in ('SUCCEEDED', 'FAILED') and evaluation_event is not null "
                    "order by id desc").fetchall()
            for event_json, run_id in rows:
                event = json.loads(event_json)
                evaluation = event["dagster_event"]["event_specific_data"]
                key = _user_key(evaluation["asset_key"], evaluation["check_name"])
                if key in latest or key not in keys:
                    continue  # newest first: the first one seen is the latest
                severity = str((evaluation.get("severity") or {}).get("__enum__", "AssetCheckSeverity.ERROR"))
                severity = severity.rsplit(".", 1)[-1]
                passed = bool(evaluation["success"])
                latest[key] = CheckResult(
                    asset=keys[key][0], check_name=keys[key][1], outcome=outcome(passed, severity), passed=passed,
                    severity=severity,
                    evaluated_at=datetime.fromtimestamp(float(event["timestamp"]), tz=UTC).replace(tzinfo=None),
                    run_id=run_id,
                    description=evaluation.get("description") or "", facts=_facts(evaluation.get("metadata")))
        return [latest.get(key) or CheckResult(asset, name, NOT_RUN, None, None, None, None, "")
                for key, (asset, name) in sorted(keys.items(), key=lambda item: item[1])]
    except (sqlite3.Error, KeyError, TypeError, ValueError, AttributeError, zlib.error):
        return None


def from_dagster() -> list[CheckResult]:
    """The same table through Dagster's own API (slower: imports Dagster and opens the instance)."""
    import dagster as dg

    from orchestration.lib.dagster_instance import prepare_dagster_home, project_context

    prepare_dagster_home()
    with project_context() as instance:
        runs = instance.get_runs(filters=dg.RunsFilter(job_name=JOB_NAME), limit=1)
        keys = set()
        if runs and runs[0].execution_plan_snapshot_id:
            snapshot = instance.get_execution_plan_snapshot(runs[0].execution_plan_snapshot_id)
            keys = {out.properties.asset_check_key for step in snapshot.steps for out in step.outputs
                    if out.properties is not None and out.properties.asset_check_key is not None}
        out = []
        for key in sorted(keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
            # The latest *evaluation*: a check whose run died (or is still running) has only a "planned" record.
            history = instance.event_log_storage.get_asset_check_execution_history(key, limit=20)
            record = next((r for r in history if isinstance(r.evaluation, dg.AssetCheckEvaluation)), None)
            asset = key.asset_key.to_user_string()
            if record is None:
                out.append(CheckResult(asset, key.name, NOT_RUN, None, None, None, None, ""))
                continue
            evaluation = record.evaluation
            severity = evaluation.severity.value if evaluation.severity is not None else "ERROR"
            out.append(CheckResult(
                asset, key.name, outcome(evaluation.passed, severity), bool(evaluation.passed), severity,
                datetime.fromtimestamp(record.event.timestamp, tz=UTC).replace(tzinfo=None), record.run_id,
                evaluation.description or "", _facts({k: {"value": getattr(v, "value", None)}
                                                      for k, v in (evaluation.metadata or {}).items()})))
        return out


def collect(home: Path | None = None) -> list[CheckResult]:
    found = from_storage(_dagster_home(home))
    return from_dagster() if found is None else found


def write(home: Path | None = None, results: list[CheckResult] | None = None) -> Path:
    """Write the table (atomically: readers see the old one or the new one, never half a file)."""
    import duckdb

    marker = storage_marker(home) or ""  # taken first: a result recorded meanwhile makes the table stale
    results = collect(home) if results is None else results
    path = table_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with duckdb.connect() as conn:
            conn.execute("create table check_results ({})".format(
                ", ".join(f"{name} {kind}" for name, kind in COLUMNS.items())))
            if results:
                conn.executemany(f"insert into check_results values ({', '.join('?' * len(COLUMNS))})",
                                 [[getattr(r, name) for name in COLUMNS] for r in results])
            conn.execute(f"copy (select * from check_results order by asset, check_name) to '{_sql(tmp)}' "
                         f"(format parquet, kv_metadata {{storage_marker: '{_sql(marker)}'}})")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def storage_marker(home: Path | None = None) -> str | None:
    """Where the instance's storage stands: its newest run and its newest check evaluation. The table is stale
    when the marker it was written at differs. None when no run ever started in this home. (Not the files' mtimes:
    the daemon's heartbeats touch runs.db every few seconds.)"""
    runs_db, index_db = _storage_files(_dagster_home(home))
    if not runs_db.exists():
        return None
    try:
        with _sqlite(runs_db) as conn:
            (last_run,) = conn.execute("select max(id) from runs").fetchone()
        last_eval = None
        if index_db.exists():
            with _sqlite(index_db) as conn:
                (last_eval,) = conn.execute("select max(evaluation_event_storage_id) from asset_check_executions "
                                            "where execution_status in ('SUCCEEDED', 'FAILED')").fetchone()
    except sqlite3.Error:
        return "unreadable"
    return f"v{TABLE_VERSION}:{last_run}:{last_eval}"


def _written_marker(path: Path) -> str | None:
    import duckdb

    try:
        with duckdb.connect() as conn:
            row = conn.execute("select value from parquet_kv_metadata(?) where key = 'storage_marker'",
                               [str(path)]).fetchone()
    except duckdb.Error:
        return None
    return bytes(row[0]).decode() if row else None


def is_stale(home: Path | None = None) -> bool:
    """True when a run or a check result was recorded after the table was written (or a build ran and there is
    no table yet): a run ended that nobody recorded."""
    marker = storage_marker(home)
    if marker is None:
        return False
    path = table_path(home)
    return not path.exists() or _written_marker(path) != marker


def read(home: Path | None = None) -> list[CheckResult]:
    """The table, rewritten first when it is older than the instance's storage. [] before any build."""
    import duckdb

    if is_stale(home):
        try:
            write(home)
        except OSError:  # a home this reader may not write: the same rows, computed for this read only
            return collect(home)
    path = table_path(home)
    if not path.exists():
        return []
    with duckdb.connect() as conn:
        rows = conn.execute(f"select {', '.join(COLUMNS)} from read_parquet('{_sql(path)}') "
                            "order by asset, check_name").fetchall()
    return [CheckResult(*row) for row in rows]


def counts(results: list[CheckResult]) -> dict[str, int]:
    """How many checks of each outcome: the figures `tsw status`, the Overview and the Data quality page show."""
    return {name: sum(1 for r in results if r.outcome == name) for name in OUTCOMES}


def publish_times(home: Path | None = None, limit: int = 2) -> list[datetime]:
    """When the last `limit` builds were published (UTC, newest first), from the instance's materializations of
    `published_snapshot`, read from its SQLite index without Dagster; [] if there are none or the storage is
    laid out otherwise."""
    index_db = _storage_files(_dagster_home(home))[1]
    if not index_db.exists():
        return []
    try:
        with _sqlite(index_db) as conn:
            rows = conn.execute(
                "select timestamp from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION' "
                "and asset_key = ? order by id desc limit ?", [PUBLISH_ASSET_KEY, limit]).fetchall()
    except sqlite3.Error:
        return []
    out = []
    for (stamp,) in rows:
        when = datetime.fromisoformat(stamp) if isinstance(stamp, str) else datetime.fromtimestamp(stamp, tz=UTC)
        out.append(when.replace(tzinfo=None))
    return out


def _sql(path: Path) -> str:
    return str(path).replace("'", "''")
