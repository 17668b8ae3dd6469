"""Ad-hoc SQL for users: read-only, no files, no network, bounded rows, time and memory.

Used by `tsw sql` and the Streamlit SQL page. Two independent layers stand between a query and
anything it should not touch:

1. The statement gate: DuckDB's own parser splits the text, and only one read statement
   (SELECT / WITH / FROM-first / VALUES / DESCRIBE / SHOW / SUMMARIZE, or EXPLAIN of one) is run.
   Everything else is refused *before* it reaches the database, with a message naming what the
   statement would have done (writes data, writes a file, attaches a database, installs code,
   changes a setting). This layer exists for the message, not for the safety.
2. The connection: the published snapshot opened read-only, with external access disabled
   (no file or network reads or writes, so `read_csv('/etc/passwd')` fails inside a SELECT),
   extension auto-install/auto-load off, a memory cap, no spilling to disk, and the
   configuration locked so a query cannot lift any of this. Even a statement that slipped past
   the gate fails here (tests run the refused statements straight against this connection).

Results are capped at `max_rows` rows (fetched incrementally, never all materialized first) and
the query is interrupted after `timeout_s` seconds.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration import settings

MAX_QUERY_CHARS = 100_000
SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    # A runaway join must fail, not eat the machine or fill the disk with spill files.
    "memory_limit": "1GB",
    "max_temp_directory_size": "0B",
    "threads": 2,
    "lock_configuration": True,
}

_READ_TYPES = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}

# What each refused statement type would have done, in the words a user needs to see.
_REFUSAL_REASONS: dict[duckdb.StatementType, str] = {
    duckdb.StatementType.INSERT: "it would change data (the warehouse is read-only here)",
    duckdb.StatementType.UPDATE: "it would change data (the warehouse is read-only here)",
    duckdb.StatementType.DELETE: "it would change data (the warehouse is read-only here)",
    duckdb.StatementType.CREATE: "it would create an object (the warehouse is read-only here)",
    duckdb.StatementType.DROP: "it would drop an object (the warehouse is read-only here)",
    duckdb.StatementType.ALTER: "it would alter an object (the warehouse is read-only here)",
    duckdb.StatementType.COPY: "COPY reads or writes files, and queries here may not touch files",
    duckdb.StatementType.EXPORT: "EXPORT writes files, and queries here may not touch files",
    duckdb.StatementType.ATTACH: "ATTACH opens another database, and queries here may only read the warehouse",
    duckdb.StatementType.DETACH: "DETACH changes which databases are open, which is not allowed here",
    duckdb.StatementType.LOAD: "INSTALL/LOAD would add extensions, which is not allowed here",
    duckdb.StatementType.SET: "SET/RESET/USE would change settings, which are locked here",
    duckdb.StatementType.PRAGMA: "PRAGMA can change settings, which are locked here (use DESCRIBE or SHOW)",
    duckdb.StatementType.CALL: "CALL runs procedures such as CHECKPOINT, which are not allowed here",
    duckdb.StatementType.TRANSACTION: "transactions are not needed for reading and are not allowed here",
    duckdb.StatementType.VACUUM: "VACUUM would change the database file",
    duckdb.StatementType.ANALYZE: "ANALYZE would change the database file",
    duckdb.StatementType.COPY_DATABASE: "COPY FROM DATABASE writes another database",
    duckdb.StatementType.MERGE_INTO: "it would change data (the warehouse is read-only here)",
    duckdb.StatementType.CREATE_FUNC: "it would create a function (the warehouse is read-only here)",
    duckdb.StatementType.VARIABLE_SET: "SET VARIABLE would change session state, which is not allowed here",
    duckdb.StatementType.PREPARE: "prepared statements are not needed here (write the values into the query)",
    duckdb.StatementType.EXECUTE: "prepared statements are not needed here (write the values into the query)",
    duckdb.StatementType.MULTI: "it expands into several statements (PIVOT without an IN list creates types); "
    "list the pivot values with IN (...)",
}


class QueryRefused(Exception):
    """The query was not run or was stopped; the message says why in plain words."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool
    column_types: list[str] = field(default_factory=list)


def _explain(exc: Exception) -> str:
    text = str(exc).strip()
    lowered = text.lower()
    if isinstance(exc, duckdb.InterruptException) or "interrupt" in lowered:
        return "Stopped: the query ran past its time limit."
    if "read-only" in lowered or "read only" in lowered:
        return f"Refused: the warehouse is read-only here (queries may not change data). DuckDB said: {text}"
    if isinstance(exc, duckdb.PermissionException) or "external access" in lowered or "file system" in lowered:
        return f"Refused: queries may not read or write files or the network. DuckDB said: {text}"
    if "configuration" in lowered and "lock" in lowered:
        return f"Refused: settings cannot be changed here. DuckDB said: {text}"
    if isinstance(exc, duckdb.OutOfMemoryException) or "out of memory" in lowered:
        return (f"Stopped: the query needed more than the {SANDBOX_CONFIG['memory_limit']} memory limit; "
                f"filter or aggregate first. DuckDB said: {text}")
    return f"Query failed: {text}"


def check_statement(query: str) -> str:
    """Return the single read statement in `query`, or raise QueryRefused saying why not."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryRefused(f"Refused: the query is {len(query):,} characters long (limit {MAX_QUERY_CHARS:,}).")
    try:
        # A parser-only connection: nothing to read, nothing to lock.
        with duckdb.connect(":memory:", config={"enable_external_access": False}) as parser:
            statements = parser.extract_statements(query)
    except duckdb.Error as exc:
        raise QueryRefused(f"Query failed: {str(exc).strip()}") from exc
    if not statements:
        raise QueryRefused("Refused: the query is empty.")
    if len(statements) > 1:
        raise QueryRefused(f"Refused: one statement at a time ({len(statements)} were given, separated by ';').")
    statement = statements[0]
    if statement.type not in _READ_TYPES:
        reason = _REFUSAL_REASONS.get(statement.type, "only read queries run here")
        kind = statement.type.name.replace("_", " ")
        raise QueryRefused(f"Refused ({kind} statement): {reason}. "
                           "Only SELECT / WITH / DESCRIBE / SHOW / SUMMARIZE / EXPLAIN queries run here.")
    return query


@contextmanager
def sandbox_connection(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The locked-down read-only connection on the published snapshot, closed on exit."""
    path = path or settings.published_path()
    if not path.exists():
        raise QueryRefused(f"No build has been published yet ({path}): run `tsw build` first.")
    try:
        conn = duckdb.connect(str(path), read_only=True, config=SANDBOX_CONFIG)
    except duckdb.Error as exc:
        raise QueryRefused(_explain(exc)) from exc
    try:
        yield conn
    finally:
        conn.close()


def run_query(query: str, *, max_rows: int = 1000, timeout_s: float = 30.0, path: Path | None = None) -> QueryResult:
    """Run one read statement on the published snapshot; at most `max_rows` rows, at most `timeout_s` s."""
    if max_rows < 1:
        raise ValueError("max_rows must be at least 1")
    check_statement(query)
    with sandbox_connection(path) as conn:
        timer = threading.Timer(timeout_s, conn.interrupt)
        timer.daemon = True
        timer.start()
        try:
            cursor = conn.execute(query)
            if cursor.description is None:
                return QueryResult(columns=[], rows=[], truncated=False)
            columns = [d[0] for d in cursor.description]
            types = [str(d[1]) for d in cursor.description]
            rows = cursor.fetchmany(max_rows + 1)
            return QueryResult(columns=columns, rows=rows[:max_rows], truncated=len(rows) > max_rows,
                               column_types=types)
        except duckdb.Error as exc:
            raise QueryRefused(_explain(exc)) from exc
        finally:
            timer.cancel()


# ---------------------------------------------------------------------------------------------
# Schema browser
# ---------------------------------------------------------------------------------------------
@dataclass
class ColumnInfo:
    name: str
    data_type: str
    description: str


@dataclass
class TableInfo:
    schema: str
    name: str
    description: str
    columns: list[ColumnInfo]

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


def _manifest_descriptions(manifest_path: Path) -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
    """(schema, model) -> (model description, {column: description}) from dbt's manifest.json."""
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[tuple[str, str], tuple[str, dict[str, str]]] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        name = node.get("alias") or node.get("name")
        columns = {col: (info.get("description") or "") for col, info in (node.get("columns") or {}).items()}
        out[(node.get("schema", ""), name)] = (node.get("description") or "", columns)
    return out


def schema_catalog(
    path: Path | None = None,
    schemas: tuple[str, ...] = ("marts",),
    manifest_path: Path | None = None,
) -> list[TableInfo]:
    """Tables of `schemas` in the published snapshot with their column types and descriptions.

    Descriptions come from the snapshot itself (dbt `persist_docs` writes them as DuckDB comments,
    so an old snapshot describes itself even after the models changed); where a comment is empty
    the dbt manifest (`dbt_project/target/manifest.json`) fills it in.
    """
    manifest = _manifest_descriptions(manifest_path or settings.DBT_PROJECT_DIR / "target" / "manifest.json")
    with sandbox_connection(path) as conn:
        tables = conn.execute(
            "select schema_name, table_name, coalesce(comment, '') from duckdb_tables() "
            "where schema_name in (select unnest(?)) and database_name = current_database() "
            "union all "
            "select schema_name, view_name, coalesce(comment, '') from duckdb_views() "
            "where schema_name in (select unnest(?)) and database_name = current_database() and not internal "
            "order by 1, 2",
            [list(schemas), list(schemas)],
        ).fetchall()
        columns = conn.execute(
            "select schema_name, table_name, column_name, data_type, coalesce(comment, '') from duckdb_columns() "
            "where schema_name in (select unnest(?)) and database_name = current_database() "
            "order by schema_name, table_name, column_index",
            [list(schemas)],
        ).fetchall()
    by_table: dict[tuple[str, str], list[ColumnInfo]] = {}
    for schema, table, column, data_type, comment in columns:
        documented = manifest.get((schema, table), ("", {}))[1]
        by_table.setdefault((schema, table), []).append(
            ColumnInfo(column, data_type, comment or documented.get(column, "")))
    return [
        TableInfo(schema, table, comment or manifest.get((schema, table), ("", {}))[0],
                  by_table.get((schema, table), []))
        for schema, table, comment in tables
    ]
