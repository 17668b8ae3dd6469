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
