"""The reader rule: the app opens only published.duckdb, read-only and briefly; a new build shows
up without a restart; a lock or a missing build becomes a clear condition, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import duckdb
import pytest

from streamlit_app import data
from tests.app.marts_fixture import FIGURES, write_small_warehouse


def test_no_published_file_is_a_named_condition(tsw_home):
    with pytest.raises(data.NoBuildPublished) as excinfo:
        data.market_size()
    assert str(tsw_home / "published.duckdb") in str(excinfo.value)
    assert data.published_at() is None


def test_reads_the_published_file_and_releases_it(small_published):
    figures = data.market_size()
    assert len(figures) == len(FIGURES)
    # The connection is closed after the query: a writer can open the file right away.
    con = duckdb.connect(str(small_published))
    con.execute("create table marts.probe as select 1 as x")
    con.close()


def test_never_opens_the_writers_warehouse(small_published):
    writer_file = small_published.parent / "warehouse.duckdb"
    write_small_warehouse(writer_file, figures=[])
    assert len(data.market_size()) == len(FIGURES)


def test_a_new_build_replacing_the_file_is_picked_up(small_published):
    assert len(data.market_size()) == len(FIGURES)
    staged = small_published.with_name("published.duckdb.staging")
    write_small_warehouse(staged, figures=FIGURES[:2])
    os.replace(staged, small_published)
    assert len(data.market_size()) == 2


def test_a_build_without_the_mart_is_reported_by_table_name(tsw_home):
    con = duckdb.connect(str(tsw_home / "published.duckdb"))
    con.execute("create schema marts")
    con.close()
    with pytest.raises(data.MissingTable) as excinfo:
        data.claim_checks()
    assert excinfo.value.table == "marts.mart_claim_checks"


def test_a_build_from_older_code_missing_a_new_column_is_reported_like_a_missing_table(tsw_home):
    con = duckdb.connect(str(tsw_home / "published.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.mart_claim_checks (claim_id varchar)")  # the older mart: one column
    con.close()
    with pytest.raises(data.MissingTable) as excinfo:
        data.claim_checks()
    assert excinfo.value.table == "marts.mart_claim_checks"


def test_a_writer_holding_the_file_means_refreshing(small_published, monkeypatch):
    monkeypatch.setattr(data, "OPEN_ATTEMPTS", 3)
    monkeypatch.setattr(data, "OPEN_BACKOFF_SECONDS", 0.05)
    # Another process with a read-write connection holds an exclusive lock on the file.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(small_published)!r})
            print("locked", flush=True)
            sys.stdin.readline()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(data.DataRefreshing), data.connect():
            pass
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    # Once the writer is gone the same call succeeds.
    with data.connect() as con:
        assert con.execute("select count(*) from marts.mart_market_size").fetchone()[0] == len(FIGURES)


def test_a_lock_released_during_the_retries_is_waited_for(small_published, monkeypatch):
    monkeypatch.setattr(data, "OPEN_ATTEMPTS", 40)
    monkeypatch.setattr(data, "OPEN_BACKOFF_SECONDS", 0.05)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, time
            con = duckdb.connect({str(small_published)!r})
            print("locked", flush=True)
            time.sleep(0.5)
            con.close()
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with data.connect() as con:
            assert con.execute("select count(*) from marts.mart_cited_claims").fetchone()[0] > 0
    finally:
        holder.wait(timeout=30)


def test_split_ids():
    assert data.split_ids("c001_002, c003_004") == ["c001_002", "c003_004"]
    assert data.split_ids("c001_002;c003_004;") == ["c001_002", "c003_004"]
    assert data.split_ids(None) == []
