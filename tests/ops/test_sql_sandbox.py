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


@pytest.mark.slow  # runs its queries in the SQL sandbox's child process: 8.8 s in a loaded unit lane
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


@pytest.mark.slow  # runs its queries in the SQL sandbox's child process: 3.4 s in a loaded unit lane
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


@pytest.mark.slow  # runs its queries in the SQL sandbox's child process: 13.7 s in a loaded unit lane
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


@pytest.mark.slow  # runs its queries in the SQL sandbox's child process: 5.1 s in a loaded unit lane
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


# ---------------------------------------------------------------------------------------------
# Memory and time hold for every query (issue 16 item 7), and local paths stay hidden
# ---------------------------------------------------------------------------------------------
_MEASURE = """
import json, resource, sys, time
from orchestration.lib.sql_sandbox import QueryRefused, run_query
start = time.monotonic()
try:
    run_query(sys.argv[1], timeout_s=float(sys.argv[2]))
    outcome = "ran"
except QueryRefused as exc:
    outcome = str(exc)
# This process's only child is the query's process: its peak resident memory.
print(json.dumps([time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, outcome]))
"""


def _measure(home, query: str, timeout_s: float) -> tuple[float, int, str]:
    import os
    import subprocess
    import sys

    from orchestration import settings

    done = subprocess.run([sys.executable, "-c", _MEASURE, query, str(timeout_s)], cwd=settings.REPO_ROOT,
                          env={**os.environ, "TSW_HOME": str(home)}, capture_output=True, text=True,
                          timeout=timeout_s + 120, check=True)
    elapsed, peak, outcome = json.loads(done.stdout.strip().splitlines()[-1])
    return elapsed, peak, outcome


@pytest.mark.slow  # runs its queries in the SQL sandbox's child process: 9.4 s in a loaded unit lane
@pytest.mark.parametrize(
    "query",
    [
        # 7.9 GB and 45.8 s against a 30 s limit before: DuckDB's memory_limit does not count the string.
        "select length(repeat('x', 4000000000))",
        "select length(string_agg(repeat('x', 1000000), '')) from range(5000)",
    ],
)
def test_string_building_queries_stay_inside_the_memory_cap(home, query):
    from orchestration.lib.sql_sandbox import PROCESS_MEMORY_CAP

    elapsed, peak, outcome = _measure(home, query, timeout_s=30)
    assert outcome.startswith("Stopped: the query needed more than"), outcome
    assert peak <= PROCESS_MEMORY_CAP + 128 * 2**20, f"peak {peak / 2**20:.0f} MB"
    assert elapsed < 30


@pytest.mark.slow  # runs its queries in the SQL sandbox's child process: 2.5 s in a loaded unit lane
def test_a_query_that_ignores_interrupts_is_still_stopped_at_its_time_limit(home):
    # repeat() of 1e9 characters runs for half a minute and never looks at DuckDB's interrupt flag.
    elapsed, _, outcome = _measure(home, "select length(repeat('x', 1000000000))", timeout_s=1.0)
    assert outcome == "Stopped: the query ran past its time limit."
    # Stopped long before the ~30 s the query needs (a loose bound: the machines are shared; 1.6 s was seen
    # under a load of 15 against the old 1.5 s bound).
    assert elapsed < 1.0 + 9


@pytest.mark.slow  # runs its queries in the SQL sandbox's child process: 8.7 s in a loaded unit lane
def test_resident_memory_is_watched_even_where_duckdb_does_not_count_it(home, monkeypatch):
    from orchestration.lib import sql_sandbox

    monkeypatch.setattr(sql_sandbox, "PROCESS_MEMORY_CAP", 300 * 2**20)
    with pytest.raises(QueryRefused, match="needed more than the 300 MB memory limit"):
        run_query("select length(repeat('x', 1000000000))", timeout_s=60)
    assert run_query("select count(*) from marts.mart_market_size").rows == [(ROWS,)]


@pytest.mark.slow  # runs its queries in the SQL sandbox's child process: 27.0 s in a loaded unit lane
@pytest.mark.parametrize(
    "query",
    [
        "select path from duckdb_databases()",
        "select * from pragma_database_list()",
        "select current_setting('temp_directory')",
        "select name, value from duckdb_settings()",
        "select * from read_csv('{home}/note.csv')",
        "select * from read_text('{home}/secrets/salt.txt')",
        "select * from duckdb_extensions()",
    ],
)
def test_no_result_or_message_reveals_a_local_path(home, query):
    from orchestration import settings

    query = query.format(home=home)
    try:
        result = run_query(query)
        shown = " ".join(str(v) for row in result.rows for v in row)
    except QueryRefused as exc:
        shown = str(exc)
    for local in (str(home), str(settings.REPO_ROOT), str(Path.home())):
        assert local not in shown, shown[:500]
    cli = CliRunner().invoke(tsw, ["sql", query, "--max-rows", "500"])
    assert str(home) not in cli.output and str(Path.home()) not in cli.output
