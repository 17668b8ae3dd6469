"""`tsw sql` and run_query: reads work; writes, files, network, extensions and settings are refused
with a message that says so; rows and time are bounded; the schema browser shows dbt's descriptions.

Runs on a small published snapshot written here (a mart with DuckDB comments, as dbt's
persist_docs leaves them), so it is fast and independent of the full build.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from orchestration.cli import main as tsw
from orchestration.lib.sql_sandbox import (
    MAX_QUERY_CHARS,
    QueryRefused,
    check_statement,
    run_query,
    sandbox_connection,
    schema_catalog,
)

ROWS = 2500


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TSW_HOME", str(home))
    with duckdb.connect(str(home / "published.duckdb")) as conn:
        conn.execute("create schema marts")
        conn.execute("create schema raw")
        conn.execute(
            "create table marts.mart_market_size as "
            "select 'mf_' || i as market_figure_id, 'TikTok Shop' as subject, 2020 + (i % 6) as period_year, "
            "i * 1.5e6 as value from range(?) t(i)",
            [ROWS],
        )
        conn.execute("comment on table marts.mart_market_size is 'One row per cited market figure.'")
        conn.execute("comment on column marts.mart_market_size.value is 'Median of the claims, in USD.'")
        conn.execute("create table raw.secret_looking as select 1 as x")
    # A secret file next to the warehouse: queries must not be able to read it.
    (home / "secrets").mkdir()
    (home / "secrets" / "salt.txt").write_text("do-not-leak\n")
    (home / "note.csv").write_text("a,b\n1,2\n")
    return home


def test_select_returns_rows_and_columns(home):
    result = run_query("select subject, count(*) as n from marts.mart_market_size group by subject")
    assert result.columns == ["subject", "n"]
    assert result.rows == [("TikTok Shop", ROWS)]
    assert not result.truncated


@pytest.mark.parametrize(
    "query",
    [
        "with y as (select period_year from marts.mart_market_size) select count(*) from y",
        "from marts.mart_market_size select count(*)",
        "describe marts.mart_market_size",
        "show all tables",
        "summarize marts.mart_market_size",
        "explain select * from marts.mart_market_size",
    ],
)
def test_read_statements_of_every_form_run(home, query):
    result = run_query(query)
    assert result.columns and result.rows


def test_row_cap_truncates_and_says_so(home):
    result = run_query("select * from marts.mart_market_size order by value desc", max_rows=100)
    assert len(result.rows) == 100
    assert result.truncated
    # The cap keeps the first rows of the ordered result, not arbitrary ones.
    assert result.rows[0][0] == f"mf_{ROWS - 1}"

    cli = CliRunner().invoke(tsw, ["sql", "select * from marts.mart_market_size", "--max-rows", "5"])
    assert cli.exit_code == 0, cli.output
    assert "(showing the first 5 rows)" in cli.output


def test_time_limit_stops_a_long_query(home):
    with pytest.raises(QueryRefused, match="time limit"):
        run_query("select count(*) from range(1000000000000) a", timeout_s=0.5)


# statement, words the refusal must contain
REFUSED = [
    ("insert into marts.mart_market_size values ('x', 'y', 2020, 1)", "change data"),
    ("update marts.mart_market_size set value = 0", "change data"),
    ("delete from marts.mart_market_size", "change data"),
    ("drop table marts.mart_market_size", "drop"),
    ("create table marts.copy as select * from marts.mart_market_size", "create"),
    ("alter table marts.mart_market_size add column x int", "alter"),
    ("copy marts.mart_market_size to '/tmp/tsw_leak.csv'", "files"),
    ("copy marts.mart_market_size from '/etc/passwd'", "files"),
    ("export database '/tmp/tsw_leak_dir'", "files"),
    ("attach '/tmp/other.duckdb' as other", "ATTACH"),
    ("attach ':memory:' as scratch", "ATTACH"),
    ("install httpfs", "extensions"),
    ("load httpfs", "extensions"),
    ("set enable_external_access = true", "settings"),
    ("set memory_limit = '64GB'", "settings"),
    ("reset lock_configuration", "settings"),
    ("pragma enable_profiling", "settings"),
    ("checkpoint", "CHECKPOINT"),
    ("select 1; drop table marts.mart_market_size", "one statement"),
]


@pytest.mark.parametrize(("query", "words"), REFUSED)
def test_non_read_statements_are_refused_with_a_clear_message(home, query, words):
    with pytest.raises(QueryRefused) as info:
        run_query(query)
    message = str(info.value)
    assert message.startswith("Refused"), message
    assert words.lower() in message.lower(), message

    # The same refusal, word for word, from the command line, with a non-zero exit.
    cli = CliRunner().invoke(tsw, ["sql", query])
    assert cli.exit_code != 0
    assert message in cli.output


@pytest.mark.parametrize(
    "query",
    [
        "select * from read_csv('/etc/passwd')",
        "select * from read_text('/etc/passwd')",
        "select * from read_csv('{home}/note.csv')",
        "select * from read_text('{home}/secrets/salt.txt')",
        "select * from glob('/etc/*')",
        "select * from read_parquet('https://example.com/x.parquet')",
        "select * from read_json('http://169.254.169.254/latest/meta-data')",
    ],
)
def test_file_and_network_reads_inside_a_select_are_refused(home, query):
    query = query.format(home=home)
    with pytest.raises(QueryRefused, match="may not read or write files or the network") as info:
        run_query(query)
    assert "do-not-leak" not in str(info.value)
    cli = CliRunner().invoke(tsw, ["sql", query])
    assert cli.exit_code != 0
    assert "may not read or write files" in cli.output


@pytest.mark.parametrize(
    "query",
    [
        "insert into marts.mart_market_size values ('x', 'y', 2020, 1)",
        "copy marts.mart_market_size to '{tmp}/leak.csv'",
        "attach '{tmp}/other.duckdb' as other",
        "set enable_external_access = true",
        "set lock_configuration = false",
        "install httpfs",
        "load httpfs",
    ],
)
def test_the_connection_itself_refuses_what_the_gate_stops(home, tmp_path, query):
    """Defence in depth: statements sent past the gate still fail inside DuckDB."""
    query = query.format(tmp=tmp_path)
    with sandbox_connection() as conn, pytest.raises(duckdb.Error):
        conn.execute(query)
    assert not (tmp_path / "leak.csv").exists()
    assert not (tmp_path / "other.duckdb").exists()


def test_published_file_is_unchanged_after_refused_queries(home):
    before = (home / "published.duckdb").read_bytes()
    for query, _ in REFUSED:
        with pytest.raises(QueryRefused):
            run_query(query)
    assert (home / "published.duckdb").read_bytes() == before
    assert run_query("select count(*) from marts.mart_market_size").rows == [(ROWS,)]


def test_empty_oversized_and_broken_queries_have_plain_messages(home):
    with pytest.raises(QueryRefused, match="empty"):
        run_query("  -- nothing here\n")
    with pytest.raises(QueryRefused, match="characters long"):
        check_statement("select 1 " + " " * MAX_QUERY_CHARS)
    with pytest.raises(QueryRefused, match="Query failed") as info:
        run_query("select no_such_column from marts.mart_market_size")
    assert "no_such_column" in str(info.value)


def test_no_build_published_says_run_tsw_build(tmp_path, monkeypatch):
    monkeypatch.setenv("TSW_HOME", str(tmp_path / "empty"))
    with pytest.raises(QueryRefused, match="tsw build"):
        run_query("select 1")
    cli = CliRunner().invoke(tsw, ["sql", "select 1"])
    assert cli.exit_code != 0 and "tsw build" in cli.output


def test_schema_catalog_lists_marts_with_descriptions(home, tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": {"model.x.mart_market_size": {
        "resource_type": "model", "name": "mart_market_size", "schema": "marts",
        "description": "from the manifest",
        "columns": {"subject": {"description": "What the figure measures (manifest)."},
                    "value": {"description": "manifest text that the comment overrides"}}}}}))
    tables = schema_catalog(manifest_path=manifest)
    assert [t.qualified_name for t in tables] == ["marts.mart_market_size"]  # raw is not listed
    table = tables[0]
    assert table.description == "One row per cited market figure."  # the snapshot's own comment wins
    columns = {c.name: c for c in table.columns}
    assert list(columns) == ["market_figure_id", "subject", "period_year", "value"]
    assert columns["value"].description == "Median of the claims, in USD."
    assert columns["subject"].description == "What the figure measures (manifest)."
    assert columns["market_figure_id"].description == ""
    assert columns["value"].data_type in ("DOUBLE", "DECIMAL(18,1)") or columns["value"].data_type.startswith(
        "DECIMAL")
