"""Publishing a build: the snapshot outside clients read, written without rewriting the whole warehouse each time."""

from __future__ import annotations

import hashlib

import duckdb

from orchestration.lib import warehouse


def _storage(path) -> str:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = current_database()"
        ).fetchone()[0]


def _free_share(path) -> float:
    with duckdb.connect(str(path), read_only=True) as conn:
        total, free = conn.execute(
            "select total_blocks, free_blocks from pragma_database_size() where database_name = current_database()"
        ).fetchone()
    return free / total


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fill(conn, rows: int = 200_000) -> None:
    conn.execute(f"create or replace table marts.lines as select range as id, 'sku-' || (range % 97) as sku, "
                 f"range * 0.01 as amount from range({rows})")
    conn.execute("comment on table marts.lines is 'one row per line'")


def test_a_new_warehouse_is_published_as_a_copy_of_its_file(tmp_path):
    source, target = tmp_path / "warehouse.duckdb", tmp_path / "published.duckdb"
    with warehouse.writer(source) as conn:
        _fill(conn)
    assert _storage(source) == "v1.4.0+"  # outside clients (DuckDB 1.4+) read it, so it can be copied as it is
    report: dict = {}
    warehouse.publish(source, target, report)
    assert report["method"] == "file copy" and _sha(target) == _sha(source)
    with duckdb.connect(str(target), read_only=True) as conn:
        assert conn.execute("select count(*), sum(amount) from marts.lines").fetchone() == (200_000, 199999000.0)
        assert conn.execute("select comment from duckdb_tables() where table_name = 'lines'").fetchone()[0] \
            == "one row per line"


def test_an_older_warehouse_is_rewritten_once_then_copied(tmp_path):
    # A home built before this change: the warehouse is in DuckDB 2.0's own format, which outside clients
    # cannot open. The first publish rewrites it (live data only) and the compact copy replaces the warehouse.
    source, target = tmp_path / "warehouse.duckdb", tmp_path / "published.duckdb"
    with duckdb.connect(str(source)) as conn:
        conn.execute("create schema marts")
        _fill(conn)
    assert _storage(source) == "v2.0.0+"
    warehouse.publish(source, target)
    assert _storage(target) == "v1.4.0+" and _storage(source) == "v1.4.0+"
    for path in (source, target):
        with duckdb.connect(str(path), read_only=True) as conn:
            assert conn.execute("select count(*) from marts.lines").fetchone()[0] == 200_000
    warehouse.publish(source, target)
    assert _sha(target) == _sha(source)
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_a_warehouse_left_with_many_free_blocks_is_compacted_by_the_publish(tmp_path):
    source, target = tmp_path / "warehouse.duckdb", tmp_path / "published.duckdb"
    with warehouse.writer(source) as conn:
        _fill(conn, rows=50_000)
        conn.execute("create table raw.scratch as select range as id, md5(range::varchar) as h from range(1000000)")
        conn.execute("checkpoint")
        conn.execute("drop table raw.scratch")
        conn.execute("checkpoint")
    assert _free_share(source) > warehouse.MAX_FREE_SHARE_FOR_FILE_COPY
    size_before = source.stat().st_size
    report: dict = {}
    warehouse.publish(source, target, report)
    assert report["method"] == "rewrite"
    assert _free_share(source) == 0.0 and source.stat().st_size < size_before / 2
    with duckdb.connect(str(target), read_only=True) as conn:
        assert conn.execute("select count(*) from marts.lines").fetchone()[0] == 50_000
        assert conn.execute("select count(*) from duckdb_tables() where table_name = 'scratch'").fetchone()[0] == 0
