"""Recovering from a build that died without cleaning up, and taking the writer slot outside a run.

A build stopped with SIGTERM or Ctrl-C cleans up after itself. One killed outright — SIGKILL, the
out-of-memory killer, a laptop losing power — leaves behind:

- its Dagster run marked STARTED (or NOT_STARTED/STARTING if it died early) for ever;
- its claim on the one `warehouse_writer` slot, so every later build waits for it indefinitely
  ("Step still blocked by limit for pool warehouse_writer");
- possibly a dbt child process still writing the warehouse (children survive their parent's SIGKILL);
- temporary folders under $TSW_HOME/tmp and a half-written snapshot copy.

`recover()` runs before every `tsw build`, before `tsw ingest` and on every tick of the daemon's
`stale_runs_sensor`. It looks only at this home's Dagster instance. A run counts as stale when no process
that recorded itself in the run's event log (Dagster writes "Executing steps in process (pid: N)" or
"Started process for run (pid: N)" at the start of every run) is still alive — alive meaning the same
process, not a later one that reused the PID (see `processes.py`); a run that recorded no process is
stale once it is older than `NO_PROCESS_GRACE_S`. Stale runs are marked failed through
`instance.report_run_failed`, and every slot or queue place held by a finished, unknown or dead claimant
is freed with `event_log_storage.free_concurrency_slots_for_run` (Dagster's public storage API; the
daemon's own `free_slots_after_run_end_seconds` does the same for finished runs, but only while the
daemon runs, and it never fails a dead run). Live runs are never touched, so two builds still
serialise through the pool.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from orchestration import settings
from orchestration.lib import processes

WRITER_POOL = "warehouse_writer"
NO_PROCESS_GRACE_S = 120.0  # a run that never recorded a process is stale only after this long
DBT_RUNS_KEPT = 3           # per-run dbt target folders kept for debugging (newest first)
RECOVER_WHILE_WAITING_S = 15.0  # a writer-slot waiter re-checks this often whether the holder died
CLAIM_PREFIX = "tsw-claim"  # pseudo run ids of writer-slot claims made outside a Dagster run
OWNER_ENV = "TSW_OWNER"     # set in children's environment: "<pid>:<start>" of the process that started them
STALE_MESSAGE = ("The process running this build is gone (killed, out of memory or power lost); "
                 "marked failed by tsw so that the next build can start.")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Recovery:
    """What one `recover()` cleaned up."""

    failed_runs: list[tuple[str, str]] = field(default_factory=list)  # (run id, where it died)
    freed_claims: list[str] = field(default_factory=list)             # claimant ids whose slots were freed
    stopped_processes: list[int] = field(default_factory=list)
    removed_temp: int = 0
    removed_dbt_targets: int = 0

    def __bool__(self) -> bool:
        return bool(self.failed_runs or self.freed_claims or self.stopped_processes or self.removed_temp)

    def message(self) -> str | None:
        """One line for the user, or None if there was nothing to clean up."""
        if not self:
            return None
        parts = []
        if self.failed_runs:
            runs = ", ".join(f"{run_id[:8]} ({where})" if where else run_id[:8] for run_id, where in self.failed_runs)
            parts.append(f"marked {len(self.failed_runs)} interrupted run{'s' * (len(self.failed_runs) > 1)} "
                         f"failed: {runs}")
        if self.freed_claims:
            parts.append(f"freed the warehouse writer slot held by {len(self.freed_claims)} dead "
                         f"claimant{'s' * (len(self.freed_claims) > 1)}")
        if self.stopped_processes:
            parts.append("stopped leftover process " + ", ".join(f"PID {p}" for p in self.stopped_processes)
                         + " still holding the warehouse")
        if self.removed_temp:
            parts.append(f"removed {self.removed_temp} leftover temporary "
                         f"file{'s' * (self.removed_temp > 1)}")
        return "Cleaned up after an interrupted build: " + "; ".join(parts) + "."


# ---------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------
def _in_progress_statuses():
    from dagster import DagsterRunStatus

    # QUEUED runs wait for the daemon's run queue and hold nothing: they are not ours to judge.
    return [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED,
            DagsterRunStatus.CANCELING]


def _recorded_processes(instance, run_id: str) -> list[tuple[int, float]]:
    """(pid, when recorded) of every process the run's engine events name."""
    from dagster import DagsterEventType

    out = []
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT):
        data = entry.dagster_event.engine_event_data if entry.dagster_event else None
        value = (data.metadata or {}).get("pid") if data is not None else None
        if value is None:
            continue
        try:
            out.append((int(getattr(value, "value", value)), entry.timestamp))
        except (TypeError, ValueError):
            continue
    return out


def run_is_alive(instance, record) -> bool:
    """Whether some process recorded by the run is still running it."""
    run = record.dagster_run
    recorded = _recorded_processes(instance, run.run_id)
    if recorded:
        return any(processes.alive_since(pid, at) for pid, at in recorded)
    started = (record.update_timestamp or record.create_timestamp).timestamp()
    return time.time() - started < NO_PROCESS_GRACE_S


def _where_it_died(instance, run_id: str) -> str:
    """The step(s) the run had started and not finished, for the user's one line."""
    from dagster import DagsterEventType

    started, finished = [], set()
    for entry in instance.all_logs(run_id, of_type={DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS,
                                                     DagsterEventType.STEP_FAILURE, DagsterEventType.STEP_SKIPPED}):
        if entry.dagster_event is None or entry.step_key is None:
            continue
        if entry.dagster_event.event_type == DagsterEventType.STEP_START:
            started.append(entry.step_key)
        else:
            finished.add(entry.step_key)
    open_steps = [s for s in started if s not in finished]
    if open_steps:
        return "during " + ", ".join(open_steps[:3]) + ("…" if len(open_steps) > 3 else "")
    return "before its first step" if not started else "between steps"


def _fail_stale_runs(instance, result: Recovery) -> bool:
    """Mark dead runs failed; return whether any run of this instance is still alive."""
    from dagster import RunsFilter

    any_alive = False
    for record in instance.get_run_records(filters=RunsFilter(statuses=_in_progress_statuses())):
        run = record.dagster_run
        if run_is_alive(instance, record):
            any_alive = True
            continue
        where = _where_it_died(instance, run.run_id)
        current = instance.get_run_by_id(run.run_id)
        if current is None or current.is_finished:
            continue  # it finished while we looked
        instance.report_run_failed(current, STALE_MESSAGE)
        result.failed_runs.append((run.run_id, where))
    return any_alive


# ---------------------------------------------------------------------------------------------
# Pool slots
# ---------------------------------------------------------------------------------------------
def _claim_id(who: str) -> str:
    return f"{CLAIM_PREFIX}:{processes.owner_token()}:{who}:{uuid.uuid4().hex[:8]}"


def _claim_owner_alive(claim_id: str) -> bool:
    _, _, rest = claim_id.partition(":")
    pid, _, rest = rest.partition(":")
    start, _, _ = rest.partition(":")
    return processes.token_alive(f"{pid}:{start}")


def _free_dead_claims(instance, result: Recovery) -> None:
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return
    for key in storage.get_concurrency_keys():
        info = storage.get_concurrency_info(key)
        holders = dict.fromkeys([s.run_id for s in info.claimed_slots] + [p.run_id for p in info.pending_steps])
        for holder in holders:
            if holder.startswith(CLAIM_PREFIX + ":"):
                dead = not _claim_owner_alive(holder)
            else:
                run = instance.get_run_by_id(holder)
                dead = run is None or run.is_finished
            if dead:
                storage.free_concurrency_slots_for_run(holder)
                if holder not in result.freed_claims:
                    result.freed_claims.append(holder)


# ---------------------------------------------------------------------------------------------
# Leftover processes and files
# ---------------------------------------------------------------------------------------------
def _stop_orphan_writers(result: Recovery) -> None:
    """A dbt (or other) child of a dead build still holding the warehouse's write lock is stopped.

    Only processes whose environment names a dead owner (`TSW_OWNER`, set for every child tsw starts)
    are touched: a user's own DuckDB session on the warehouse is left alone.
    """
    for pid in processes.lock_holders(settings.warehouse_path()):
        if pid == os.getpid():
            continue
        owner = processes.environ(pid).get(OWNER_ENV)
        if owner and not processes.token_alive(owner) and processes.stop(pid):
            result.stopped_processes.append(pid)


def _remove_dead_scratch(result: Recovery) -> None:
    root = settings.tmp_dir()
    if root.is_dir():
        for entry in root.iterdir():
            # <prefix>-<pid>-<start>-<random>: see scratch_dir()
            parts = entry.name.rsplit("-", 3)
            if len(parts) == 4 and parts[1].isdigit() and not processes.token_alive(f"{parts[1]}:{parts[2]}"):
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)
                result.removed_temp += 1
    # A snapshot copy interrupted mid-way (warehouse.publish writes .published.duckdb.<pid>.tmp, and the
    # compacted warehouse as .warehouse.duckdb.<pid>.compact).
    published, warehouse = settings.published_path(), settings.warehouse_path()
    leftovers = [*(published.parent.glob(f".{published.name}.*.tmp") if published.parent.is_dir() else []),
                 *(warehouse.parent.glob(f".{warehouse.name}.*.compact") if warehouse.parent.is_dir() else [])]
    for tmp in leftovers:
        pid = tmp.name.split(".")[-2]
        if pid.isdigit() and not processes.alive_since(int(pid), tmp.stat().st_mtime):
            tmp.unlink(missing_ok=True)
            result.removed_temp += 1


def _prune_dbt_targets(result: Recovery) -> None:
    root = settings.dbt_runs_dir()
    if not root.is_dir():
        return
    runs = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in runs[DBT_RUNS_KEPT:]:
        shutil.rmtree(old, ignore_errors=True)
        result.removed_dbt_targets += 1


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A temporary folder under $TSW_HOME/tmp, removed on exit — or by the next start if we are killed."""
    root = settings.tmp_dir()
    root.mkdir(parents=True, exist_ok=True)
    pid, start = processes.owner_token().split(":")
    path = Path(tempfile.mkdtemp(prefix=f"{prefix}-{pid}-{start}-", dir=root))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------
def recover(instance=None, *, say: Callable[[str], None] | None = _stderr) -> Recovery:
    """Clean up after any dead build of this home; tell the user in one line if anything was done."""
    from orchestration.lib.dagster_instance import project_instance

    instance = instance or project_instance()
    result = Recovery()
    any_alive = _fail_stale_runs(instance, result)
    _free_dead_claims(instance, result)
    live_claims = any(h.startswith(CLAIM_PREFIX + ":") and _claim_owner_alive(h)
                      for h in _claimants(instance))
    if not any_alive and not live_claims:
        _stop_orphan_writers(result)
    _remove_dead_scratch(result)
    _prune_dbt_targets(result)
    if say is not None and (line := result.message()):
        say(line)
    return result


def _claimants(instance) -> list[str]:
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    info = storage.get_concurrency_info(WRITER_POOL)
    return [s.run_id for s in info.claimed_slots] + [p.run_id for p in info.pending_steps]


class WriterBusy(Exception):
    """The warehouse writer slot did not come free within the wait."""


def _holder_description(instance) -> str:
    storage = instance.event_log_storage
    info = storage.get_concurrency_info(WRITER_POOL)
    for slot in info.claimed_slots:
        if slot.run_id.startswith(CLAIM_PREFIX + ":"):
            return f"another `{slot.run_id.split(':')[3]}` (PID {slot.run_id.split(':')[1]})"
        return f"build run {slot.run_id[:8]} (step {slot.step_key})"
    return "a build"


@contextmanager
def writer_slot(who: str, *, wait_s: float = 1800.0, say: Callable[[str], None] | None = _stderr,
                poll_s: float = 1.0, instance=None) -> Iterator[None]:
    """Hold the one `warehouse_writer` slot outside a Dagster run (e.g. for `tsw ingest`).

    Queues in the same pool as the build's steps, so an ingest during a build waits for the step that is
    writing and the build's next step waits for the ingest: neither fails on DuckDB's file lock. Gives up
    with WriterBusy after `wait_s` seconds. Released on exit; if this process is killed, the next
    `recover()` frees it.
    """
    from orchestration.lib.dagster_instance import project_instance

    instance = instance or project_instance()
    recover(instance, say=say)
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        yield
        return
    pools = {p.name: p for p in storage.get_pool_limits()}
    if WRITER_POOL not in pools and instance.global_op_concurrency_default_limit is not None:
        storage.initialize_concurrency_limit_to_default(WRITER_POOL)
    claim, step = _claim_id(who), who
    deadline = time.monotonic() + wait_s
    next_recovery = time.monotonic() + RECOVER_WHILE_WAITING_S
    told = False
    try:
        while not storage.claim_concurrency_slot(WRITER_POOL, claim, step).is_claimed:
            if time.monotonic() > next_recovery:  # the holder may have been killed while we waited
                recover(instance, say=say)
                next_recovery = time.monotonic() + RECOVER_WHILE_WAITING_S
            if time.monotonic() > deadline:
                raise WriterBusy(f"Gave up after {wait_s:.0f} s: {_holder_description(instance)} is still "
                                 f"writing the warehouse. Nothing was changed; run `{who}` again when it is done.")
            if not told and say is not None:
                say(f"Waiting for {_holder_description(instance)} to finish writing the warehouse; "
                    f"`{who}` continues as soon as it does (at most {wait_s / 60:.0f} min).")
                told = True
            time.sleep(poll_s)
        yield
    finally:
        storage.free_concurrency_slots_for_run(claim)
