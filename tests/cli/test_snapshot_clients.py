"""The published snapshot opens in the DuckDB CLI sellers install from PyPI (duckdb-cli, which reads
storage versions 64–68 while DuckDB 2.0 writes newer ones by default): the README's
`duckdb -readonly published.duckdb` route, run for real."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration.lib.warehouse import publish


def _duckdb_cli() -> str:
    beside = Path(sys.executable).parent / "duckdb"
    found = str(beside) if beside.exists() else shutil.which("duckdb")
    assert found, "the duckdb CLI (dev dependency duckdb-cli) is not installed: run `uv sync`"
    return found


def test_published_snapshot_opens_in_the_duckdb_cli(tmp_path):
    source, target = tmp_path / "warehouse.duckdb", tmp_path / "published.duckdb"
    with duckdb.connect(str(source)) as conn:
        conn.execute("create schema marts")
        conn.execute("create table marts.mart_market_size as select 'US' as geography, 87.02e9 as value_usd")
        conn.execute("comment on table marts.mart_market_size is 'One row per cited market figure.'")
        conn.execute("create view marts.v_us as select * from marts.mart_market_size where geography = 'US'")
    publish(source, target)
    out = subprocess.run(
        [_duckdb_cli(), "-readonly", "-csv", str(target), "-c",
         ("select geography, value_usd, (select comment from duckdb_tables() where table_name = 'mart_market_size') "
          "as comment from marts.v_us")],
        capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert "US,87020000000" in out.stdout and "One row per cited market figure." in out.stdout
    # The project's own readers (DuckDB 2.0) read it too; no temporary file is left beside it.
    with duckdb.connect(str(target), read_only=True) as conn:
        assert conn.execute("select count(*) from marts.mart_market_size").fetchone()[0] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published.duckdb", "warehouse.duckdb"]
