"""SIGKILL anywhere: the next plain `tsw build` finishes and ends where an uninterrupted build ends.

`tsw build` and `tsw ingest` run as real subprocesses on the demo seller (seed 7) and are killed with
SIGKILL at kill points chosen by elapsed time, by the step the run has reached (read from the run's own
Dagster events) or by how many files the ingest has archived. Most kills hit only the main process, as the
out-of-memory killer does (a running dbt child survives and must be dealt with); some kill the whole process
group, as a power cut does. After each kill the next command in the chain must get going (a kill used to
leave the writer slot claimed for ever), `tsw status` must work, and the final plain `tsw build` must
succeed with every file loaded once and every raw table and mart holding the rows of the session's
uninterrupted build of the same input, cell for cell, and nothing of the killed commands left running.

The fast chain (three kill points) runs in the normal suite. The full set (24 kill points in four chains)
runs with `pytest -m killpoints tests/ops/test_killpoints.py` (or TSW_KILLPOINTS=1); it takes about as
long as 30 builds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from tests.pipeline.snapshot_diff import mart_differences

pytestmark = pytest.mark.slow

COMMAND_TIMEOUT_S = 1500
POLL_S = 0.2


@dataclass(frozen=True)
class KillPoint:
    command: str            # "build" or "ingest"
    after: str              # "time" (seconds after start), "step" (a step key prefix), "archived" (files)
    value: float | str
    delay_s: float = 0.0    # further seconds after the trigger
    group: bool = False     # kill the whole process group (power cut) instead of the main process (OOM)

    def __str__(self) -> str:
        how = "group" if self.group else "main"
        return f"{self.command}:{self.after}={self.value}+{self.delay_s}s:{how}"


FAST_CHAIN = [
    KillPoint("ingest", "archived", 10),
    KillPoint("build", "step", "dbt_models", 5.0),
    KillPoint("build", "step", "raw__tiktok_orders", 0.5, group=True),
]

FULL_CHAINS = [
    [   # early in a build: startup, definitions load, the registry and reference loaders
        KillPoint("build", "time", 1.0),
        KillPoint("build", "time", 4.0),
        KillPoint("build", "step", "article_registry", 0.0),
        KillPoint("build", "step", "raw__amazon_all_orders", 0.3),
        KillPoint("build", "step", "raw__fx_rates", 0.0, group=True),
        KillPoint("build", "step", "raw__catalogue_products", 0.2),
    ],
    [   # the seller-export loaders, mid-file
        KillPoint("build", "step", "raw__amazon_business_report", 0.5),
        KillPoint("build", "step", "raw__shopify_orders", 1.0),
        KillPoint("build", "step", "raw__tiktok_affiliate_orders", 0.2, group=True),
        KillPoint("build", "step", "raw__tiktok_orders", 1.5),
        KillPoint("build", "step", "raw__tiktok_video_performance", 0.3),
        KillPoint("build", "step", "raw__tiktok_statements", 0.5),
        KillPoint("build", "step", "raw__amazon_transactions", 0.3, group=True),
        KillPoint("build", "step", "raw__cited_metrics_gx", 0.0),
    ],
    [   # dbt, the spillover step, the publish copy
        KillPoint("build", "step", "dbt_models", 1.0),
        KillPoint("build", "step", "dbt_models", 15.0),
        KillPoint("build", "step", "dbt_models", 40.0, group=True),
        KillPoint("build", "step", "marts__mart_spillover_estimates", 1.0),
        KillPoint("build", "step", "published_snapshot", 0.0),
        KillPoint("build", "step", "published_snapshot", 0.4),
    ],
    [   # `tsw ingest` of the whole inbox, by time and by files archived
        KillPoint("ingest", "time", 2.0),
        KillPoint("ingest", "archived", 1),
        KillPoint("ingest", "archived", 5, 0.1),
        KillPoint("ingest", "archived", 30, group=True),
        KillPoint("ingest", "archived", 60, 0.05),
        KillPoint("ingest", "time", 8.0),
    ],
]


# ---------------------------------------------------------------------------------------------
# Harness
# ---------------------------------------------------------------------------------------------
def _env(home: Path) -> dict[str, str]:
    env = {**settings.subprocess_env(), "TSW_HOME": str(home), "TSW_WAREHOUSE": str(home / "warehouse.duckdb")}
    env.pop("DAGSTER_HOME", None)
    env.pop("TSW_OWNER", None)
    return env


def _start(home: Path, command: str, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "orchestration.cli", command], cwd=settings.REPO_ROOT,
                                env=_env(home), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


_instances: dict[Path, object] = {}


def _open_instance(home: Path):
    """The home's Dagster instance as the harness reads it, or None while the build is still creating it.

    The harness is a second process: opening the storages while the build's first open stamps them can stamp
    them twice (the product heals that on its next open, orchestration/lib/dagster_instance.py); the harness
    heals it the same way and polls again rather than failing the chain.
    """
    import dagster as dg
    import sqlalchemy.exc
    from alembic.util.exc import CommandError

    from orchestration.lib.dagster_instance import repair_double_stamps

    if home in _instances:
        return _instances[home]
    if not (home / "dagster" / "dagster.yaml").exists():
        return None
    repair_double_stamps(home / "dagster")
    try:
        _instances[home] = dg.DagsterInstance.from_config(str(home / "dagster"))
    except (CommandError, sqlalchemy.exc.SQLAlchemyError):  # storages half-created by the build's first open: try again on the next poll
        return None
    return _instances[home]


def _started_steps(home: Path, runs_before: set[str]) -> set[str]:
    """Steps started by the run of the command under test (not by a killed run left STARTED before it)."""
    import dagster as dg

    instance = _open_instance(home)
    if instance is None:
        return set()
    records = [r for r in instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]), limit=5)
               if r.dagster_run.run_id not in runs_before]
    if not records:
        return set()
    events = instance.all_logs(records[0].dagster_run.run_id, of_type=dg.DagsterEventType.STEP_START)
    return {e.step_key for e in events if e.step_key}


def _run_ids(home: Path) -> set[str]:
    instance = _open_instance(home)
    if instance is None:
        return set()
    return {r.dagster_run.run_id for r in instance.get_run_records()}


def _reached(home: Path, point: KillPoint, started: float, runs_before: set[str]) -> bool:
    if point.after == "time":
        return time.monotonic() - started >= float(point.value)
    if point.after == "archived":
        archive = home / "archive"
        return archive.is_dir() and sum(1 for _ in archive.iterdir()) >= int(point.value)
    return any(step.startswith(str(point.value)) for step in _started_steps(home, runs_before))


def _kill_at(home: Path, point: KillPoint, log: Path) -> None:
    runs_before = _run_ids(home)
    proc = _start(home, point.command, log)
    started = time.monotonic()
    try:
        while not _reached(home, point, started, runs_before):
            assert proc.poll() is None, (f"{point}: `tsw {point.command}` ended (exit {proc.returncode}) before "
                                         f"the kill point\n" + log.read_text(errors="replace")[-3000:])
            assert time.monotonic() - started < COMMAND_TIMEOUT_S, f"{point}: kill point not reached in time"
            time.sleep(POLL_S)
        time.sleep(point.delay_s)
        if point.group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=60)


def _run(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orchestration.cli", *args], cwd=settings.REPO_ROOT,
                          env=_env(home), capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False)


# Tables that record the builds themselves, not the seller's data: a chain of killed and recovered builds
# rightly holds more of their rows than one uninterrupted build (raw._dbt_builds: one row per finished dbt step).
BUILD_HISTORY = {"raw._dbt_builds"}


def table_counts(got: Path, expected: Path) -> dict[str, tuple[int, int]]:
    """(rows in `got`, rows in `expected`) of every raw table and mart, and of the load log per status."""
    out = {}
    with duckdb.connect() as conn:
        conn.execute("set enable_progress_bar = false")
        conn.execute(f"attach '{got}' as got (read_only)")
        conn.execute(f"attach '{expected}' as expected (read_only)")
        for schema, table in conn.execute(
                "select schema_name, table_name from duckdb_tables() where database_name = 'expected' "
                "and schema_name in ('raw', 'marts') order by 1, 2").fetchall():
            if f"{schema}.{table}" in BUILD_HISTORY:
                continue
            out[f"{schema}.{table}"] = tuple(
                conn.execute(f'select count(*) from {db}.{schema}."{table}"').fetchone()[0] if conn.execute(
                    "select count(*) from duckdb_tables() where database_name = ? and schema_name = ? "
                    "and table_name = ?", [db, schema, table]).fetchone()[0] else -1
                for db in ("got", "expected"))
        for status, in conn.execute("select distinct status from expected.raw._load_log").fetchall():
            out[f"_load_log:{status}"] = tuple(conn.execute(
                f"select count(*) from {db}.raw._load_log where status = ?", [status]).fetchone()[0]
                for db in ("got", "expected"))
    return out


def _leftovers(home: Path) -> list[int]:
    """PIDs of processes still running for this home (a dbt child the test's kill orphaned)."""
    pids = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"TSW_HOME={home}".encode() + b"\0" in environ + b"\0":
            pids.append(int(entry.name))
    return pids


def run_chain(home: Path, chain: list[KillPoint], expected: Path) -> list[str]:
    from tsw_demo import catalogue
    from tsw_demo.generate import generate_demo

    home.mkdir(parents=True, exist_ok=True)
    # The session's built_warehouse input, as `tsw demo` writes it: exports in the inbox, the catalogue.
    generate_demo(home / "inbox", seed=7, truth_dir=home / "demo_truth")
    catalogue.write(home / "catalogue", seed=7)
    log = home.parent / f"{home.name}-commands.log"
    notes = []
    try:
        for i, point in enumerate(chain):
            started = time.monotonic()
            _kill_at(home, point, log)
            notes.append(f"{point}: killed after {time.monotonic() - started:.1f}s")
            if point.command == "build" and not any(p.command == "build" for p in chain[:i]):
                # What the user runs first after a crash (it used to die on the killed run's planned checks).
                status = _run(home, "status")
                assert status.returncode == 0, f"tsw status after {point}:\n{status.stdout}\n{status.stderr}"
        final = _run(home, "build")
        output = final.stdout + final.stderr
        assert final.returncode == 0, f"the build after {chain[-1]} failed:\n{output[-5000:]}"
        assert "Cleaned up after an interrupted build" in output, output[-3000:]
        # Every file was loaded exactly once and every table has the uninterrupted build's rows.
        counts = table_counts(home / "published.duckdb", expected)
        assert all(a == b for a, b in counts.values()), {t: c for t, c in counts.items() if c[0] != c[1]}
        # Nothing of the killed commands is left running (Dagster's log tailers exit on their own soon).
        deadline = time.monotonic() + 30
        while _leftovers(home) and time.monotonic() < deadline:
            time.sleep(1)
        assert not _leftovers(home), [Path(f"/proc/{p}/cmdline").read_bytes()[:200] for p in _leftovers(home)]
        # Every mart, cell for cell: what an uninterrupted build of the same files gives (versions are picked
        # by what the files say, never by the order a killed chain happened to load them in).
        assert mart_differences(home / "published.duckdb", expected) == []
    finally:
        for pid in _leftovers(home):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return notes


@pytest.fixture(scope="module")
def uninterrupted(built_warehouse) -> Path:
    """The session's plain build of the same demo seller (seed 7)."""
    return built_warehouse / "published.duckdb"


def test_killed_ingest_and_builds_are_recovered_by_the_next_build(uninterrupted, tmp_path):
    run_chain(tmp_path / "home", FAST_CHAIN, uninterrupted)


def test_full_set_has_at_least_twenty_kill_points_over_ingest_and_build():
    points = [p for chain in FULL_CHAINS for p in chain]
    assert len(points) >= 20
    assert {p.command for p in points} == {"build", "ingest"}
    assert {p.after for p in points} == {"time", "step", "archived"}
    assert any(p.group for p in points) and any(not p.group for p in points)


def test_every_step_kill_point_names_a_step_of_the_build_job():
    # A renamed asset must fail here at once, not after the chain's earlier builds (the full set found
    # raw__product_map, renamed raw__catalogue_products, only after 20 minutes of builds).
    from orchestration.definitions import defs

    steps = {node.name for node in defs().resolve_job_def("ingest_and_build_job").graph.nodes}
    stale = [str(p) for chain in [FAST_CHAIN, *FULL_CHAINS] for p in chain
             if p.after == "step" and not any(step.startswith(str(p.value)) for step in steps)]
    assert stale == [], f"kill points naming no step of ingest_and_build_job: {stale}"


@pytest.mark.killpoints
@pytest.mark.parametrize("chain", FULL_CHAINS, ids=["early", "loaders", "dbt-publish", "ingest"])
def test_full_set_of_kill_points(uninterrupted, tmp_path, chain):
    run_chain(tmp_path / "home", chain, uninterrupted)
