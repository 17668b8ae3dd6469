"""Every mart reads with its descriptions on the SQL page, `tsw sql` and outside SQL clients — including
marts.mart_spillover_estimates, which a Python asset writes (not dbt) and so gets no dbt persist_docs."""

from __future__ import annotations

import duckdb
import pandas as pd

from orchestration.analysis.spillover_schema import MART_SCHEMA
from orchestration.defs.analysis.spillover_estimates import TABLE, write_estimates
from orchestration.lib.descriptions import source_descriptions
from orchestration.lib.sql_sandbox import schema_catalog


def test_every_spillover_estimates_column_is_described_in_its_source_yaml():
    description, columns = source_descriptions()[tuple(TABLE.split("."))]
    assert "Amazon" in description and "TikTok" in description
    assert list(columns) == list(MART_SCHEMA)  # a new column without a description fails here
    assert all(columns.values())


def test_the_written_mart_carries_its_descriptions_as_comments(tmp_path):
    path = tmp_path / "w.duckdb"
    row = {c: None for c in MART_SCHEMA} | {"product_group": "all", "target_channel": "amazon",
                                          "method": "regression_dl", "status": "ok", "estimate": 0.12}
    with duckdb.connect(str(path)) as conn:
        write_estimates(conn, pd.DataFrame([row]))
    (table,) = [t for t in schema_catalog(path) if t.qualified_name == TABLE]
    assert table.description.startswith("The headline spillover figures")
    described = {c.name: c.description for c in table.columns}
    assert set(described) == set(MART_SCHEMA)
    assert [c for c, d in described.items() if not d] == []
    assert "per dollar of TikTok Shop GMV" in described["estimate"]
    with duckdb.connect(str(path), read_only=True) as conn:  # what an outside client reads
        assert conn.execute("select comment from duckdb_columns() where table_name = 'mart_spillover_estimates' "
                            "and column_name = 'ci_low'").fetchone()[0].startswith("Lower end")


def _documented_marts() -> dict[str, tuple[str, list[str]]]:
    """marts.<table> -> (English description, documented columns): every dbt model in schema marts, and every
    source there (the marts Python assets write)."""
    import json

    from orchestration.defs.transform.project import ensure_manifest

    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    out = {}
    for node in [*manifest["nodes"].values(), *manifest["sources"].values()]:
        if node.get("resource_type") in ("model", "source") and node.get("schema") == "marts":
            name = node.get("alias") or node["name"] if node["resource_type"] == "model" else node["name"]
            out[f"marts.{name}"] = (node.get("description") or "", list(node.get("columns") or {}))
    return out


def test_every_mart_and_column_the_sql_page_lists_has_a_chinese_description():
    from streamlit_app.i18n import _descriptions_zh, description

    marts = _documented_marts()
    assert "marts.mart_spillover_estimates" in marts and "marts.fct_order_lines" in marts
    catalogue = _descriptions_zh()
    missing = [table for table in marts if not (catalogue.get(table) or {}).get("description")]
    missing += [f"{table}.{column}" for table, (_, columns) in marts.items() for column in columns
                if not ((catalogue.get(table) or {}).get("columns") or {}).get(column)]
    assert missing == [], ("add these to streamlit_app/locales/zh/descriptions.yml (the SQL page shows them to "
                           f"Chinese readers): {missing}")
    # What a Chinese reader gets: Chinese, not dbt's English; an English reader keeps dbt's words.
    english = marts["marts.mart_category_performance"][0]
    assert description("marts.mart_category_performance", None, english, "en") == english
    zh = description("marts.mart_category_performance", "net_revenue_usd", "Net sales minus return refunds.", "zh")
    assert zh == "净销售额减退货退款。"
