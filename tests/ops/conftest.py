"""Helpers for the operations tests: a Dagster run killed the way SIGKILL kills a build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

POOL = "warehouse_writer"


def pytest_collection_modifyitems(config, items):
    """The full SIGKILL set (tests/ops/test_killpoints.py) runs only when asked for: `-m killpoints` or
    TSW_KILLPOINTS=1. The plain suite runs its fast chain."""
    if os.environ.get("TSW_KILLPOINTS") == "1" or "killpoints" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="full SIGKILL set: run with -m killpoints or TSW_KILLPOINTS=1")
    for item in items:
        if "killpoints" in item.keywords:
            item.add_marker(skip)

# A one-op job in the writer pool whose step sleeps: executed in-process exactly like `tsw build`
# executes the real job, so Dagster records the process and claims the slot the way it does there.
_VICTIM = textwrap.dedent("""
    import sys, time
    import dagster as dg

    @dg.op(pool="warehouse_writer")
    def write_warehouse():
        time.sleep(float(sys.argv[2]))

    @dg.job
    def ingest_and_build_job():
        write_warehouse()

    ingest_and_build_job.execute_in_process(instance=dg.DagsterInstance.from_config(sys.argv[1]))
""")


def start_writer_run(dagster_home: Path, env: dict | None = None, hold_s: float = 600) -> subprocess.Popen:
    """Start a run that holds the writer slot for `hold_s` seconds; returns once the slot is claimed and the
    step's start is recorded (Dagster claims the slot a moment before it writes STEP_START: a kill in between
    leaves a run that died "before its first step", which a loaded CI machine hit)."""
    import dagster as dg

    proc = subprocess.Popen([sys.executable, "-c", _VICTIM, str(dagster_home), str(hold_s)],
                            env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    instance = dg.DagsterInstance.from_config(str(dagster_home))
    before = {s.run_id for s in instance.event_log_storage.get_concurrency_info(POOL).claimed_slots}
    deadline = time.monotonic() + 120
    while True:
        info = instance.event_log_storage.get_concurrency_info(POOL)
        new_claims = {s.run_id for s in info.claimed_slots} - before
        if new_claims and all(instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_START)
                              for run_id in new_claims):
            return proc
        assert proc.poll() is None, "the victim run exited before claiming the slot"
        assert time.monotonic() < deadline, "the victim run never claimed the writer slot"
        time.sleep(0.2)


def kill_writer_run(dagster_home: Path) -> str:
    """A run as a SIGKILLed build leaves it: STARTED for ever, holding the one writer slot."""
    import dagster as dg

    proc = start_writer_run(dagster_home)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    instance = dg.DagsterInstance.from_config(str(dagster_home))
    [record] = instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
    return record.dagster_run.run_id


@pytest.fixture
def dagster_home(tmp_path, monkeypatch) -> Path:
    """$TSW_HOME/dagster prepared as every tsw command prepares it (the repo's dagster.yaml)."""
    from orchestration.lib.dagster_instance import prepare_dagster_home

    monkeypatch.setenv("TSW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home" / "dagster"))
    return prepare_dagster_home()


class WriterRuns:
    """Fixture handle: start (or start and SIGKILL) runs that hold the writer slot of `home`."""

    def __init__(self, home: Path):
        self.home = home
        self.started: list[subprocess.Popen] = []

    def start(self, env: dict | None = None, hold_s: float = 600) -> subprocess.Popen:
        proc = start_writer_run(self.home, env, hold_s)
        self.started.append(proc)
        return proc

    def kill(self) -> str:
        return kill_writer_run(self.home)

    def stop_all(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.fixture
def writer_runs(dagster_home):
    runs = WriterRuns(dagster_home)
    yield runs
    runs.stop_all()


@pytest.fixture(autouse=True)
def _no_dagster_state_left_behind():
    """A schedule or sensor context opened without `with` leaves Dagster's current state storage pointing at
    the test's (soon deleted) instance, and a dg.materialize far later in the session fails on it: fail here."""
    from dagster._core.storage.defs_state.base import DefsStateStorage

    before = DefsStateStorage.get()
    yield
    assert DefsStateStorage.get() is before, "a Dagster context or instance was left open (use `with`)"
