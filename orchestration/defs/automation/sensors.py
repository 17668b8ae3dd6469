"""What the daemon does by itself besides the schedule: start a build for new inbox files, and clean up
after builds that were killed.

- `inbox_sensor` starts ONE `ingest_and_build_job` per tick for the whole set of new file contents found
  in `$TSW_HOME/inbox` (run key = a hash of the set's sha256s), however many files were dropped: every
  run loads everything in the inbox anyway, so dropping the demo's 101 files means one build, not 101.
- `stale_runs_sensor` runs `orchestration.lib.recovery.recover` every minute, so a run whose process was
  killed (SIGKILL, out of memory, power lost) is marked failed and its `warehouse_writer` slot freed
  without anyone starting `tsw build`. It is on by default: it only ever touches dead runs.
- `check_results_sensor` rewrites the check-results table (orchestration/lib/check_results.py) after a run the
  daemon started, so `tsw status` and the app read the new results. On by default: it only writes that file.
"""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from orchestration import settings

JOB_NAME = "ingest_and_build_job"
CURSOR_LIMIT = 5000  # hashes remembered by the sensor; older ones are covered by _load_log
TAG_CHARS = 200


def loaded_hashes(hashes: list[str], path=None) -> set[str]:
    """Hashes already loaded, read from the published snapshot (this shop's, or the one at `path`).

    Never the writer's file: even a read-only connection there would block a running build's writes.
    A file loaded after the last publish is caught by the cursor and is a no-op in the run anyway.
    """
    import duckdb

    path = path or settings.published_path()
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


def batch_run_key(hashes: list[str]) -> str:
    """One run key for a set of file contents: the same set (in any order) gives the same key."""
    return hashlib.sha256("\n".join(sorted(set(hashes))).encode()).hexdigest()


def content_hashes(paths, seen: dict[str, str]) -> dict[str, str]:
    """"name|size|mtime_ns" -> sha256 of each file, re-hashing only files not in `seen` (the last tick's)."""
    from orchestration.ingest.readers import file_sha256

    current: dict[str, str] = {}
    for path in paths:
        try:
            st = path.stat()
            key = f"{path.name}|{st.st_size}|{st.st_mtime_ns}"
            current[key] = seen.get(key) or file_sha256(path)
        except OSError:
            continue  # still being written or already moved away by a run
    return current


@dg.sensor(
    name="inbox_sensor",
    job_name=JOB_NAME,
    minimum_interval_seconds=30,
    description="Starts ingest_and_build_job once per tick for all new file contents found in the inbox "
                "(run_key = hash of their sha256s).",
)
def inbox_sensor(context: dg.SensorEvaluationContext):
    from orchestration.ingest import inbox_files

    state = json.loads(context.cursor) if context.cursor else {}
    seen: dict[str, str] = state.get("stat_to_sha", {})  # "name|size|mtime_ns" -> sha: no re-hashing per tick
    requested: list[str] = state.get("requested", [])
    current = content_hashes(inbox_files(), seen)
    already_requested = set(requested)
    candidates = [sha for sha in dict.fromkeys(current.values()) if sha not in already_requested]
    already = loaded_hashes(candidates)
    new: dict[str, str] = {}  # sha -> first file name carrying it
    for key, sha in current.items():
        name = key.split("|", 1)[0]
        if sha in already:
            context.log.info(f"{name}: content already loaded; the next run files it away")
        elif sha in candidates and sha not in new:
            new[sha] = name
    requested = (requested + [s for s in dict.fromkeys(current.values()) if s not in already_requested])
    context.update_cursor(json.dumps({"stat_to_sha": current, "requested": requested[-CURSOR_LIMIT:]}))
    if not new:
        return dg.SkipReason("no new file contents in the inbox")
    names = sorted(new.values())
    listed = ", ".join(names)
    return dg.RunRequest(
        run_key=batch_run_key(list(new)),
        tags={"tsw/new_files": str(len(new)),
              "tsw/files": listed if len(listed) <= TAG_CHARS else listed[:TAG_CHARS - 1] + "…"},
    )


@dg.sensor(
    name="stale_runs_sensor",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Marks runs whose process is gone (killed, out of memory, power lost) failed and frees their "
                "warehouse_writer slot, so the next build is never blocked.",
)
def stale_runs_sensor(context: dg.SensorEvaluationContext):
    from orchestration.lib.recovery import recover

    result = recover(context.instance, say=context.log.warning)
    return dg.SkipReason(result.message() or "no interrupted runs to clean up")


@dg.sensor(
    name="check_results_sensor",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Rewrites $TSW_HOME/check_results.parquet (the latest result of every check, read by tsw status "
                "and the app) after a run the daemon started records check results.",
)
def check_results_sensor(context: dg.SensorEvaluationContext):
    from orchestration.lib import check_results

    if not check_results.is_stale():
        return dg.SkipReason("check results table up to date")
    path = check_results.write()
    return dg.SkipReason(f"check results table rewritten: {path}")


sensors: list[dg.SensorDefinition] = [inbox_sensor, stale_runs_sensor, check_results_sensor]
