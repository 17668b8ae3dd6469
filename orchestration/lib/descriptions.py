"""Descriptions of the marts that Python assets write (not dbt), as DuckDB COMMENTs.

dbt writes its models' descriptions into the warehouse itself (`persist_docs`). A mart written by a Python
asset (marts.mart_spillover_estimates) is declared as a dbt source instead — one YAML beside the dbt models,
so dbt docs show it — and the asset calls `comment_table` after writing it, so the SQL page, `tsw sql` and
outside SQL clients read the same descriptions as for every other mart.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.lib.yaml_load import safe_load


@cache
def source_descriptions(models_dir: Path | None = None) -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
    """(schema, table) -> (table description, {column: description}) of every dbt source table."""
    root = models_dir or settings.DBT_PROJECT_DIR / "models"
    out: dict[tuple[str, str], tuple[str, dict[str, str]]] = {}
    for path in sorted(root.rglob("*.yml")):
        doc = safe_load(path.read_text(encoding="utf-8")) or {}
        for source in doc.get("sources") or []:
            schema = source.get("schema") or source["name"]
            for table in source.get("tables") or []:
                columns = {c["name"]: " ".join(str(c.get("description") or "").split())
                           for c in table.get("columns") or []}
                out[(schema, table["name"])] = (" ".join(str(table.get("description") or "").split()), columns)
    return out


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_table(conn: duckdb.DuckDBPyConnection, qualified_name: str) -> None:
    """COMMENT ON the table and each of its columns, from its source YAML; raises if it has none."""
    schema, table = qualified_name.split(".")
    try:
        description, columns = source_descriptions()[(schema, table)]
    except KeyError:
        raise KeyError(f"{qualified_name} has no description in dbt_project/models (declare it as a source)") from None
    conn.execute(f"comment on table {qualified_name} is {_literal(description)}")
    existing = {row[0] for row in conn.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
        "and database_name = current_database()", [schema, table]).fetchall()}
    for column, text in columns.items():
        if column in existing and text:
            conn.execute(f'comment on column {qualified_name}."{column}" is {_literal(text)}')
