"""An incremental build gives the marts a full build gives (issue 15).

A warehouse is built from the demo's exports minus some order exports (for each order kind the newest, which
re-exports the previous one's days, and TikTok's oldest, whose every order a later export also holds), then
those files arrive and the next build runs dbt incrementally. Its published marts and intermediate tables must
equal the session's full build of all the files, row for row, cell for cell, and so must the incremental staging
tables but for the load's own batch id and time: a newer version of an
order wins whether its file comes first or last, and an older file arriving late changes nothing."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.pipeline.snapshot_diff import mart_differences

pytestmark = pytest.mark.slow

ORDER_KINDS = ("tiktok_orders", "amazon_all_orders", "shopify_orders")


def _held_back(files) -> set[str]:
    held = set()
    for kind in ORDER_KINDS:
        of_kind = sorted((f for f in files if f.kind == kind), key=lambda f: (f.period_end, f.path))
        held.add(of_kind[-1].path)
        if kind == "tiktok_orders":
            held.add(of_kind[0].path)
    return held


def _dbt_builds(home) -> list[tuple[bool, str]]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as conn:
        return conn.execute("select full_refresh, reason from raw._dbt_builds order by finished_at").fetchall()


def _staged_differences(got, expected) -> dict[str, int]:
    """Rows of the incremental staging tables in one snapshot and not the other, every column but the load's own
    (batch id and load time differ between two homes that loaded the same files)."""
    differences = {}
    with duckdb.connect() as conn:
        conn.execute(f"attach '{got}' as got (read_only)")
        conn.execute(f"attach '{expected}' as expected (read_only)")
        for table in ("stg_tiktok__orders", "stg_amazon__orders", "stg_shopify__order_lines"):
            columns = ", ".join(f'"{c}"' for (c,) in conn.execute(
                "select column_name from duckdb_columns() where database_name = 'expected' and schema_name = 'staging' "
                "and table_name = ? and column_name not in ('batch_id', 'loaded_at') order by column_index",
                [table]).fetchall())
            got_rows, missing = (conn.execute(
                f"select count(*) from (select {columns} from {a}.staging.{table} "
                f"except all select {columns} from {b}.staging.{table})").fetchone()[0]
                for a, b in (("got", "expected"), ("expected", "got")))
            if got_rows or missing:
                differences[table] = got_rows + missing
    return differences


def test_an_incremental_build_gives_the_marts_of_a_full_build(built_warehouse, demo_source, tmp_path, monkeypatch):
    from orchestration import settings
    from orchestration.build import run_full_build

    held = _held_back(demo_source.files)
    assert len(held) == 4
    home = tmp_path / "incremental"
    shutil.copytree(built_warehouse / "catalogue", home / "catalogue")
    shutil.copytree(built_warehouse / "secrets", home / "secrets")  # the same buyer salt as the full build
    inbox = home / "inbox"
    inbox.mkdir()
    for item in demo_source.files:
        if item.path not in held:
            shutil.copy2(demo_source.out_dir / item.path, inbox / item.path)
    monkeypatch.setenv("TSW_HOME", str(home))
    first = run_full_build()
    assert first.success, "\n".join(first.summary_lines())
    assert [r[0] for r in _dbt_builds(home)] == [True]
    with duckdb.connect(str(settings.published_path()), read_only=True) as conn:
        before = conn.execute("select count(*) from staging.stg_tiktok__orders").fetchone()[0]

    for name in sorted(held):
        shutil.copy2(demo_source.out_dir / name, inbox / name)
    second = run_full_build()
    assert second.success, "\n".join(second.summary_lines())
    assert _dbt_builds(home)[-1] == (False, "nothing but new exports since the last build")
    with duckdb.connect(str(settings.published_path()), read_only=True) as conn:
        after = conn.execute("select count(*) from staging.stg_tiktok__orders").fetchone()[0]
    assert after > before  # the held-back files brought orders the first build did not have

    for schema in ("marts", "intermediate"):
        assert mart_differences(settings.published_path(), built_warehouse / "published.duckdb", schema=schema) == []
    assert _staged_differences(settings.published_path(), built_warehouse / "published.duckdb") == {}

    # A third build with nothing new changes nothing; `--full-refresh` is honoured.
    third = run_full_build(full_refresh=True)
    assert third.success, "\n".join(third.summary_lines())
    assert _dbt_builds(home)[-1] == (True, "a full refresh was requested")
    assert mart_differences(settings.published_path(), built_warehouse / "published.duckdb") == []


def test_changed_code_or_settings_force_a_full_refresh(tmp_path, monkeypatch):
    from orchestration.lib import dbt_refresh

    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        conn.execute("create schema raw")
        vars_ = {"seller_time_zone": "America/Los_Angeles"}
        first = dbt_refresh.decide(conn, vars_)
        assert first.full_refresh and "no finished dbt build" in first.reason
        dbt_refresh.record(conn, first)
        assert dbt_refresh.decide(conn, vars_).full_refresh is False
        assert dbt_refresh.decide(conn, vars_, requested=True).full_refresh is True
        assert dbt_refresh.decide(conn, {"seller_time_zone": "Europe/London"}).full_refresh is True
        # Any change to a model (here: a file added to the project's macros) changes the fingerprint.
        monkeypatch.setattr(dbt_refresh, "_files", lambda original=dbt_refresh._files: [*original(),
                                                                                        tmp_path / "w.duckdb"])
        assert dbt_refresh.decide(conn, vars_).full_refresh is True
