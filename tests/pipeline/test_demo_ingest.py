"""The demo seller through the real pipeline: every file accounted for, nothing duplicated on a
second ingest, and no buyer's personal data anywhere in the warehouse."""

from __future__ import annotations

import json
import shutil

import duckdb

from orchestration import settings


def _published(home):
    return duckdb.connect(str(home / "published.duckdb"), read_only=True)


def test_every_demo_file_is_loaded_and_rows_add_up(built_warehouse):
    manifest = json.loads((built_warehouse / "demo_truth" / "manifest.json").read_text())
    with _published(built_warehouse) as conn:
        log = conn.execute("select file_name, kind, status, rows_read, rows_loaded, rows_quarantined "
                           "from raw._load_log").df()
    assert len(log) == len(manifest["files"])
    assert set(log["status"]) == {"loaded"}
    assert (log["rows_read"] == log["rows_loaded"] + log["rows_quarantined"]).all()
    # Every export kind, the settlement files included (the Data Compass export comes as two layouts).
    assert set(log["kind"]) == {
        "tiktok_orders", "tiktok_affiliate_orders", "tiktok_video_performance", "tiktok_product_analytics",
        "tiktok_ads_campaign_daily", "amazon_all_orders", "amazon_business_report", "shopify_orders",
        "tiktok_statements", "amazon_transactions", "amazon_fba_returns", "shopify_payouts",
    }


def _raw_counts(path):
    with duckdb.connect(str(path), read_only=True) as conn:
        tables = conn.execute("select table_name from information_schema.tables where table_schema = 'raw' "
                              "order by 1").fetchall()
        return {t: conn.execute(f'select count(*) from raw."{t}"').fetchone()[0] for (t,) in tables}


def test_ingesting_the_same_demo_files_again_changes_nothing(built_warehouse, tmp_path, monkeypatch):
    from orchestration.ingest import ingest_inbox

    home = tmp_path / "home"
    shutil.copytree(built_warehouse, home, ignore=shutil.ignore_patterns("dagster"))
    monkeypatch.setenv("TSW_HOME", str(home))
    before = _raw_counts(home / "warehouse.duckdb")
    settings.inbox_dir().mkdir(exist_ok=True)
    from orchestration.ingest.archive import SIDECAR_SUFFIX

    for archived in (home / "archive").iterdir():
        if archived.name.endswith(SIDECAR_SUFFIX):  # what the original name carried, not an export
            continue
        shutil.copy(archived, settings.inbox_dir() / archived.name)

    results = ingest_inbox()

    assert results and {r.status for r in results} == {"duplicate"}
    assert _raw_counts(home / "warehouse.duckdb") == before


def test_no_buyer_personal_data_reaches_the_warehouse(built_warehouse):
    canaries = json.loads((built_warehouse / "demo_truth" / "pii_canaries.json").read_text())
    values = sorted({v for kind in ("names", "emails", "street_addresses", "usernames", "phones", "phones_as_written")
                     for v in canaries[kind]})
    # Whole-cell matches for every canary value, plus the shapes personal data takes inside longer
    # text (an email at the demo's example domains, a 555-01xx phone however it is spelled).
    shapes = r"@example\.(com|org|net)|\(\+1\)\d{10}|\b\d{3}[- .]?555[- .]?01\d\d\b"
    hits = []
    with duckdb.connect(str(built_warehouse / "warehouse.duckdb"), read_only=True) as conn:
        conn.execute("create temp table canary as select unnest(?) as value", [values])
        columns = conn.execute("""
            select c.table_schema, c.table_name, list(c.column_name order by c.ordinal_position)
            from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
            where c.data_type = 'VARCHAR' and t.table_type = 'BASE TABLE'
              and c.table_schema in ('raw', 'staging', 'intermediate', 'marts')
            group by all order by all
        """).fetchall()
        assert sum(len(cols) for _, _, cols in columns) > 100
        # One pass per table: every VARCHAR cell of the table as a (column, value) row (UNPIVOT; empty cells
        # cannot hold personal data and are dropped), each checked against every canary and every shape.
        for schema, table, cols in columns:
            quoted = ", ".join('"' + c.replace('"', '""') + '"' for c in cols)
            found = conn.execute(
                f'select column_name, cell from (unpivot (select {quoted} from "{schema}"."{table}") '
                f"on {quoted} into name column_name value cell) "
                "where cell in (select value from canary) or regexp_matches(cell, ?) limit 10",
                [shapes],
            ).fetchall()
            hits += [(f"{schema}.{table}.{column}", cell) for column, cell in found]
    assert hits == [], hits[:10]


def test_buyer_salt_lives_outside_the_warehouse(built_warehouse):
    salt = built_warehouse / "secrets" / "buyer_salt"
    assert salt.exists() and oct(salt.stat().st_mode & 0o777) == "0o600"
    with _published(built_warehouse) as conn:
        assert conn.execute("select count(*) from raw.tiktok_orders where buyer_key is not null").fetchone()[0] > 0
