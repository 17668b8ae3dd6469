"""Readers never block the pipeline and never see half a build.

A full `tsw build` runs in a subprocess on a copy of the built demo home while this process
queries the published snapshot in a tight loop through the SQL sandbox (what `tsw sql` and the
SQL page use). Every query must succeed and see one complete build — the full set of marts and
the full row count of the market mart, of the build before or of the build after, never a mix —
while the snapshot is replaced underneath.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orchestration import settings
from orchestration.lib.sql_sandbox import QueryRefused, run_query

pytestmark = pytest.mark.slow

BUILD_TIMEOUT_S = 1500
MARTS_SQL = ("select string_agg(table_name, ',' order by table_name) from duckdb_tables() "
             "where schema_name = 'marts' and database_name = current_database()")
COUNT_SQL = "select count(*) from marts.mart_market_size"


def _snapshot_state(path: Path) -> tuple[str, int]:
    marts = run_query(MARTS_SQL, path=path).rows[0][0]
    count = run_query(COUNT_SQL, path=path).rows[0][0]
    return marts, count


def test_queries_during_a_full_build_see_only_complete_builds(built_warehouse, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(built_warehouse, home, ignore=shutil.ignore_patterns("*.tmp"))
    published = home / "published.duckdb"
    expected_marts, expected_count = _snapshot_state(published)
    assert expected_count > 0 and "mart_market_size" in expected_marts
    inode_before = published.stat().st_ino

    env = {**settings.subprocess_env(), "TSW_HOME": str(home), "TSW_WAREHOUSE": str(home / "warehouse.duckdb")}
    env.pop("DAGSTER_HOME", None)
    log_path = tmp_path / "build.log"
    with log_path.open("wb") as log:
        build = subprocess.Popen([sys.executable, "-m", "orchestration.cli", "build"], cwd=settings.REPO_ROOT,
                                 env=env, stdout=log, stderr=subprocess.STDOUT)
        errors: list[str] = []
        states: list[tuple[str, int]] = []
        deadline = time.monotonic() + BUILD_TIMEOUT_S
        try:
            while build.poll() is None:
                assert time.monotonic() < deadline, "build did not finish in time"
                try:
                    states.append(_snapshot_state(published))
                except (QueryRefused, OSError) as exc:
                    errors.append(str(exc))
                time.sleep(0.05)
        finally:
            if build.poll() is None:
                build.kill()
                build.wait()
    output = log_path.read_text(errors="replace")
    assert build.returncode == 0, output[-4000:]

    # The build did publish while we were reading (a new file took the old one's place) ...
    assert published.stat().st_ino != inode_before, "the build never replaced the snapshot"
    # ... and we read it all the way through: no error, and every read saw one complete build —
    # the one before or the one after, never something in between.
    after = _snapshot_state(published)
    assert set(expected_marts.split(",")) <= set(after[0].split(",")) and after[1] == expected_count
    assert not errors, errors[:5]
    assert len(states) >= 20, f"only {len(states)} reads during the build"
    incomplete = [s for s in states if s not in ((expected_marts, expected_count), after)]
    assert not incomplete, incomplete[:5]
