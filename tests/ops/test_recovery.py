"""A killed build never blocks the next one: what `recover()` cleans up, and what it must leave alone.

The runs here are real Dagster runs in real processes (tests/ops/conftest.py), killed with SIGKILL while
their step holds the one `warehouse_writer` slot — the state the issue found after the OOM killer or a
`kill -9` — on an instance configured from the repo's dagster.yaml.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import dagster as dg
import duckdb
import pytest

from orchestration import settings
from orchestration.lib import processes, recovery

POOL = "warehouse_writer"


def _instance(dagster_home):
    return dg.DagsterInstance.from_config(str(dagster_home))


def _claims(instance) -> list[str]:
    info = instance.event_log_storage.get_concurrency_info(POOL)
    # A claimed slot also keeps its (assigned) place in the queue: one claimant, listed once.
    return list(dict.fromkeys([s.run_id for s in info.claimed_slots] + [p.run_id for p in info.pending_steps]))


@pytest.mark.slow  # > 10 s on two cores (lanes: not in make test-unit)
def test_a_killed_run_is_failed_and_its_writer_slot_freed_with_one_line(dagster_home, writer_runs):
    run_id = writer_runs.kill()
    instance = _instance(dagster_home)
    assert _claims(instance) == [run_id]  # the next build would wait for ever

    said: list[str] = []
    assert recovery.recover(instance, say=said.append).failed_runs
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
    assert _claims(instance) == []
    assert len(said) == 1
    assert said[0].startswith("Cleaned up after an interrupted build: marked 1 interrupted run failed: "
                              f"{run_id[:8]} (during write_warehouse)")
    assert "freed the warehouse writer slot" in said[0]
    # The failure says why, in the run's own history (what the Dagster UI shows).
    failure = instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    assert recovery.STALE_MESSAGE in failure[-1].message

    # A new run gets the slot straight away, and a second recover() has nothing to say.
    writer_runs.start()
    said.clear()
    assert not recovery.recover(instance, say=said.append) and said == []


@pytest.mark.slow  # waits for a real second process: 25 s in a loaded unit lane
def test_a_live_run_is_left_alone_so_two_builds_still_serialise(dagster_home, writer_runs):
    proc = writer_runs.start()
    instance = _instance(dagster_home)
    [holder] = _claims(instance)
    result = recovery.recover(instance, say=None)
    assert not result
    assert instance.get_run_by_id(holder).status == dg.DagsterRunStatus.STARTED
    assert _claims(instance) == [holder]
    assert proc.poll() is None


@pytest.mark.slow  # waits for real processes: 3.8 s in a loaded unit lane
def test_a_run_that_never_recorded_a_process_is_failed_only_after_the_grace(dagster_home, monkeypatch):
    """NOT_STARTED ghosts: created, then killed before the run's process was recorded."""
    instance = _instance(dagster_home)

    @dg.op
    def noop():
        pass

    @dg.job
    def ingest_and_build_job():
        noop()

    run = instance.create_run_for_job(ingest_and_build_job)
    assert run.status == dg.DagsterRunStatus.NOT_STARTED
    assert not recovery.recover(instance, say=None)  # young: may be a build that is just starting
    monkeypatch.setattr(recovery, "NO_PROCESS_GRACE_S", 0.0)
    result = recovery.recover(instance, say=None)
    assert [r for r, _ in result.failed_runs] == [run.run_id]
    assert result.failed_runs[0][1] == "before its first step"
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE


def test_process_identity_survives_pid_reuse():
    me = processes.owner_token()
    assert processes.token_alive(me)
    pid, start = me.split(":")
    # Same PID, other start time: a different process that reused the PID.
    assert not processes.token_alive(f"{pid}:{float(start) - 3600:.2f}")
    # Something written before this process started was not written by it.
    assert not processes.alive_since(int(pid), at=float(start) - 3600)
    assert processes.alive_since(int(pid), at=time.time())
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    assert processes.start_time(done.pid) is None


_HOLD_WAREHOUSE = ("import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                   "c.execute('create table if not exists t as select 1 as x'); print('ready', flush=True); "
                   "time.sleep(600)")


def _hold_warehouse(env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", _HOLD_WAREHOUSE, str(settings.warehouse_path())],
                            env={**os.environ, **env}, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


@pytest.mark.slow  # real child processes and their grace period: 18 s in a loaded unit lane
@pytest.mark.skipif(not os.path.exists("/proc/locks"), reason="lock holders are read from /proc/locks (Linux)")
def test_a_child_of_a_dead_build_still_holding_the_warehouse_is_stopped_a_users_session_is_not(dagster_home):
    """dbt survives its parent's SIGKILL and keeps the write lock; the next build would fail on it."""
    settings.tsw_home().mkdir(parents=True, exist_ok=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = _hold_warehouse({recovery.OWNER_ENV: f"{dead.pid}:{time.time() - 5:.2f}"})
    try:
        assert orphan.pid in processes.lock_holders(settings.warehouse_path())
        said: list[str] = []
        result = recovery.recover(_instance(dagster_home), say=said.append)
        assert result.stopped_processes == [orphan.pid]
        # SIGTERM first; SIGKILL after the grace period if it has not exited by then (a process blocked in
        # the kernel, e.g. a write on a loaded disk, can outlast the grace: seen once in CI at load ~4).
        assert orphan.wait(timeout=30) in (-signal.SIGTERM, -signal.SIGKILL)
        assert f"stopped leftover process PID {orphan.pid}" in said[0]
        duckdb.connect(str(settings.warehouse_path())).close()  # the next writer gets in
    finally:
        if orphan.poll() is None:
            orphan.kill()
            orphan.wait()

    # A DuckDB session the user opened themselves (no owner of ours) is never touched.
    users = _hold_warehouse({})
    try:
        assert not recovery.recover(_instance(dagster_home), say=None).stopped_processes
        assert users.poll() is None
    finally:
        users.kill()
        users.wait()


@pytest.mark.slow  # waits for real processes: 2.8 s in a loaded unit lane
def test_temporary_folders_of_dead_processes_are_removed_live_ones_kept(dagster_home):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    root = settings.tmp_dir()
    root.mkdir(parents=True)
    leftover = root / f"tsw-ingest-{dead.pid}-{time.time() - 60:.2f}-abcd1234"
    leftover.mkdir()
    (leftover / "orders.utf8.csv").write_text("a,b\n1,2\n")
    stale_copy = settings.published_path().with_name(f".published.duckdb.{dead.pid}.tmp")
    stale_copy.write_bytes(b"half a snapshot")
    stale_compact = settings.warehouse_path().with_name(f".warehouse.duckdb.{dead.pid}.compact")
    stale_compact.write_bytes(b"half a compacted warehouse")
    with recovery.scratch_dir("tsw-ingest") as mine:
        assert mine.parent == root
        result = recovery.recover(_instance(dagster_home), say=None)
        assert result.removed_temp == 3
        assert not leftover.exists() and not stale_copy.exists() and not stale_compact.exists()
        assert mine.exists()  # ours: this process is alive
    assert not mine.exists()


@pytest.mark.slow  # waits for real processes: 3.2 s in a loaded unit lane
def test_old_dbt_run_folders_are_pruned(dagster_home):
    runs = settings.dbt_runs_dir()
    for i in range(recovery.DBT_RUNS_KEPT + 2):
        folder = runs / f"run{i}"
        folder.mkdir(parents=True)
        os.utime(folder, (time.time() - 100 + i, time.time() - 100 + i))
    recovery.recover(_instance(dagster_home), say=None)
    assert sorted(p.name for p in runs.iterdir()) == [f"run{i}" for i in range(2, recovery.DBT_RUNS_KEPT + 2)]


# ---------------------------------------------------------------------------------------------
# The writer slot outside a run (`tsw ingest`)
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow  # waits for real processes: 5.5 s in a loaded unit lane
def test_writer_slot_waits_for_the_holder_then_proceeds(dagster_home):
    instance = _instance(dagster_home)
    released = threading.Event()

    def hold():
        with recovery.writer_slot("tsw ingest", say=None, instance=instance, poll_s=0.1):
            time.sleep(2.0)
        released.set()

    holder = threading.Thread(target=hold)
    holder.start()
    while not _claims(instance):
        time.sleep(0.05)
    said: list[str] = []
    started = time.monotonic()
    with recovery.writer_slot("tsw ingest", say=said.append, instance=instance, poll_s=0.1):
        waited = time.monotonic() - started
        assert released.is_set()
        assert len(_claims(instance)) == 1
    holder.join()
    assert waited >= 1.0
    assert said and said[0].startswith("Waiting for another `tsw ingest`")
    assert _claims(instance) == []


@pytest.mark.slow  # > 10 s on two cores (lanes: not in make test-unit)
def test_writer_slot_gives_up_with_a_clear_message_and_leaves_no_claim(dagster_home, writer_runs):
    writer_runs.start()
    instance = _instance(dagster_home)
    [build] = _claims(instance)
    with (pytest.raises(recovery.WriterBusy, match=r"Gave up after 1 s: build run .* is still writing the warehouse"),
          recovery.writer_slot("tsw ingest", wait_s=1.0, say=None, instance=instance, poll_s=0.1)):
        pytest.fail("must not get the slot while the build holds it")
    assert _claims(instance) == [build]


@pytest.mark.slow  # > 10 s on two cores (lanes: not in make test-unit)
def test_writer_slot_of_a_killed_ingest_is_freed_by_the_next_start(dagster_home):
    instance = _instance(dagster_home)
    script = ("import sys, time; from orchestration.lib import recovery; "
              "cm = recovery.writer_slot('tsw ingest', say=None); cm.__enter__(); print('held', flush=True); "
              "time.sleep(600)")
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=settings.REPO_ROOT,
                            env={**os.environ}, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        [claim] = _claims(instance)
        assert claim.startswith(f"tsw-claim:{proc.pid}:")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with recovery.writer_slot("tsw ingest", wait_s=5.0, say=None, instance=instance):
            assert len(_claims(instance)) == 1 and _claims(instance) != [claim]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _tsw(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**settings.subprocess_env()}
    return subprocess.run([sys.executable, "-m", "orchestration.cli", *args], cwd=settings.REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.slow
def test_tsw_ingest_during_a_build_step_waits_for_it_instead_of_breaking_it(dagster_home, writer_runs):
    """Before: `tsw ingest` took DuckDB's lock between two steps and the build's next step failed with
    "Could not set lock on file …warehouse.duckdb". Now it queues for the same writer slot."""
    fixture = settings.REPO_ROOT / "tests" / "fixtures" / "exports" / "tiktok" / "affiliate_orders_2025-10.csv"
    inbox = settings.inbox_dir()
    inbox.mkdir(parents=True)
    (inbox / fixture.name).write_bytes(fixture.read_bytes())

    # A build step that keeps writing: the ingest gives up after its wait, having changed nothing.
    writer_runs.start()
    busy = _tsw("ingest", "--wait", "3")
    assert busy.returncode == 1, busy.stdout + busy.stderr
    assert "Waiting for build run" in busy.stderr and "Gave up after 3 s: build run" in busy.stderr
    assert (inbox / fixture.name).exists() and not settings.warehouse_path().exists()
    writer_runs.stop_all()  # SIGKILL
    assert recovery.recover(_instance(dagster_home), say=None).failed_runs

    # A step that finishes a little later: the ingest waits for it, then loads.
    writer_runs.start(hold_s=20)
    started = time.monotonic()
    done = _tsw("ingest")
    waited = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Waiting for build run" in done.stderr
    assert "loaded" in done.stdout and fixture.name in done.stdout
    assert waited >= 5
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as conn:
        assert conn.execute("select count(*) from raw._load_log where status = 'loaded'").fetchone() == (1,)
    assert _claims(_instance(dagster_home)) == []


def _tsw_env(*args: str, extra: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**settings.subprocess_env(), **(extra or {})}
    return subprocess.run([sys.executable, "-m", "orchestration.cli", *args], cwd=settings.REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.slow
def test_tsw_ingest_of_files_already_loaded_answers_during_a_build_new_content_still_waits(
        dagster_home, writer_runs, tmp_path):
    """Issue 13: re-running `tsw ingest` on files already loaded took ~3.5 s of CPU, because it queued for the
    writer slot (Dagster's instance) before finding nothing new. It now answers from the archive, even while a
    build step holds the slot and DuckDB's write lock; anything that is not the same content still queues."""
    fixture = settings.REPO_ROOT / "tests" / "fixtures" / "exports" / "tiktok" / "affiliate_orders_2025-10.csv"
    first = _tsw_env("ingest", str(fixture))
    assert first.returncode == 0 and "loaded" in first.stdout, first.stdout + first.stderr
    renamed = tmp_path / "downloads" / "my affiliate orders (1).csv"
    renamed.parent.mkdir()
    renamed.write_bytes(fixture.read_bytes())
    inbox = settings.inbox_dir()
    inbox.mkdir(parents=True)
    (inbox / "again.csv").write_bytes(fixture.read_bytes())
    changed = tmp_path / "changed" / fixture.name  # same name, one more order
    changed.parent.mkdir()
    changed.write_bytes(fixture.read_bytes() + fixture.read_bytes().splitlines(keepends=True)[-1].replace(b",", b",9", 1))

    writer_runs.start()  # a build step holds the warehouse_writer slot ...
    holder = _hold_warehouse({})  # ... and DuckDB's write lock on warehouse.duckdb
    try:
        # The slot is taken: anything that queued for it would give up after 3 s with exit 1.
        quick = _tsw_env("ingest", "--wait", "3", str(renamed))
        assert quick.returncode == 0, quick.stdout + quick.stderr
        assert f"{renamed.name}: already loaded ({fixture.name}," in quick.stdout
        assert "Nothing new to load: all 1 file(s) were loaded before" in quick.stdout
        assert "Waiting for" not in quick.stderr
        assert renamed.exists()  # a file given from elsewhere is left where it was

        in_zh = _tsw_env("ingest", "--wait", "3", extra={"TSW_LANG": "zh"})  # the inbox's copy, in Chinese
        assert in_zh.returncode == 0, in_zh.stdout + in_zh.stderr
        assert "again.csv：已载入过" in in_zh.stdout and "没有需要载入的新数据" in in_zh.stdout
        assert not (inbox / "again.csv").exists()  # filed away like any duplicate: the archive holds it

        busy = _tsw_env("ingest", "--wait", "3", str(changed))  # same name, new content: needs the writer
        assert busy.returncode == 1 and "Gave up after 3 s: build run" in busy.stderr, busy.stdout + busy.stderr

        [archived] = [p for p in settings.archive_dir().iterdir() if not p.name.endswith(".json")]
        archived.write_bytes(archived.read_bytes()[:-5])  # a damaged archive copy: the normal ingest repairs it
        repair = _tsw_env("ingest", "--wait", "3", str(renamed))
        assert repair.returncode == 1 and "Gave up after 3 s" in repair.stderr, repair.stdout + repair.stderr
    finally:
        holder.kill()
        holder.wait()
        writer_runs.stop_all()
