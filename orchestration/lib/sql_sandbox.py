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

Results are capped at `max_rows` rows (fetched incrementally, never all materialized first).

Each query runs in a child process (`_run_in_child`), because DuckDB's own limits do not hold for
everything: `memory_limit` does not count a string built by `repeat('x', 4000000000)` (7.9 GB), and
`interrupt()` is not seen inside such a call (45.8 s past a 30 s limit). The child has an address-space
rlimit (an oversized allocation fails at once with DuckDB's out-of-memory error) and the parent watches
its resident memory and its clock, and kills it past `PROCESS_MEMORY_CAP` or `timeout_s`, so a query can
take neither the machine's memory nor more than its time, and the SQL page stays up for everyone.
Local paths (the home, the checkout, the user's home folder) are replaced in every message and
every returned cell (`duckdb_databases()`, `current_setting('temp_directory')` would name them).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import threading
import time
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

# The query's process as a whole: its resident memory (DuckDB's buffers, strings DuckDB does not count,
# Python) and its address space (what an allocation may reserve before it fails).
PROCESS_MEMORY_CAP = 1536 * 2**20
ADDRESS_SPACE_CAP = 2560 * 2**20
WATCH_INTERVAL_S = 0.02

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


def _local_paths() -> list[tuple[str, str]]:
    """(local path, what to show instead), longest first."""
    home = settings.tsw_home()
    pairs = {str(home): "$TSW_HOME", str(home.resolve()): "$TSW_HOME",
             str(settings.REPO_ROOT): "<checkout>", str(Path.home()): "~"}
    return sorted(((k, v) for k, v in pairs.items() if len(k) > 1), key=lambda kv: -len(kv[0]))


def hide_paths(text: str) -> str:
    """`text` with the home, the checkout and the user's home folder replaced by placeholders."""
    for path, placeholder in _local_paths():
        text = text.replace(path, placeholder)
    return text


def _hide_paths_in_rows(rows: list[tuple]) -> list[tuple]:
    pairs = _local_paths()

    def clean(value):
        if isinstance(value, str) and "/" in value:
            for path, placeholder in pairs:
                value = value.replace(path, placeholder)
        return value

    return [tuple(clean(v) for v in row) for row in rows]


def _explain(exc: Exception) -> str:
    return hide_paths(_explain_raw(exc))


def _explain_raw(exc: Exception) -> str:
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
    if isinstance(exc, (duckdb.OutOfMemoryException, MemoryError)) or "out of memory" in lowered:
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
        raise QueryRefused(hide_paths(f"No build has been published yet ({path}): run `tsw build` first."))
    try:
        conn = duckdb.connect(str(path), read_only=True, config=SANDBOX_CONFIG)
    except duckdb.Error as exc:
        raise QueryRefused(_explain(exc)) from exc
    try:
        yield conn
    finally:
        conn.close()


def run_query(query: str, *, max_rows: int = 1000, timeout_s: float = 30.0, path: Path | None = None) -> QueryResult:
    """Run one read statement on the published snapshot; at most `max_rows` rows, at most `timeout_s` s,
    at most PROCESS_MEMORY_CAP of memory (in a child process, see the module's docstring)."""
    if max_rows < 1:
        raise ValueError("max_rows must be at least 1")
    check_statement(query)
    path = path or settings.published_path()
    if not path.exists():
        raise QueryRefused(hide_paths(f"No build has been published yet ({path}): run `tsw build` first."))
    kind, payload = _run_in_child({"path": str(path), "query": query, "max_rows": max_rows,
                                   "deadline": time.time() + timeout_s, "address_space": ADDRESS_SPACE_CAP},
                                  timeout_s)
    if kind != "ok":
        raise QueryRefused(hide_paths(payload))
    columns, types, rows, truncated = payload
    return QueryResult(columns=columns, rows=_hide_paths_in_rows(rows), truncated=truncated, column_types=types)


def _execute(conn: duckdb.DuckDBPyConnection, query: str, max_rows: int) -> tuple:
    cursor = conn.execute(query)
    if cursor.description is None:
        return [], [], [], False
    columns = [d[0] for d in cursor.description]
    types = [str(d[1]) for d in cursor.description]
    rows = cursor.fetchmany(max_rows + 1)
    return columns, types, rows[:max_rows], len(rows) > max_rows


def _resident_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _run_in_child(request: dict, timeout_s: float) -> tuple[str, object]:
    """Run the query in `python -c _worker_main()`; kill it past its memory cap or its time."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "from orchestration.lib.sql_sandbox import _worker_main; _worker_main()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=settings.REPO_ROOT,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
    )
    deadline = request["deadline"]
    data = json.dumps(request).encode()
    stopped = None
    out = err = b""
    try:
        while True:
            try:
                out, err = proc.communicate(input=data, timeout=WATCH_INTERVAL_S)
                break
            except subprocess.TimeoutExpired:
                data = None
            if time.time() > deadline:
                stopped = "Stopped: the query ran past its time limit."
            elif _resident_bytes(proc.pid) > PROCESS_MEMORY_CAP:
                stopped = (f"Stopped: the query needed more than the {PROCESS_MEMORY_CAP // 2**20:,} MB memory limit; "
                           "filter or aggregate first (long strings built by repeat() or string_agg() count too).")
            if stopped:
                proc.kill()
                proc.communicate()
                return "refused", stopped
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    try:
        return pickle.loads(out)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError):  # died without an answer (e.g. killed)
        detail = err.decode(errors="replace").strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        return "refused", f"Query failed: the query process ended unexpectedly ({detail[0]})."


def _worker_main() -> None:
    """The child: limits itself, runs the query, writes ("ok", result) or ("refused", message) to stdout."""
    request = json.loads(sys.stdin.buffer.read())
    # The answer goes to the original stdout; anything else written there (by DuckDB's C++ side, say)
    # lands on stderr instead of corrupting it.
    answer_stream = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        import resource

        cap = int(request["address_space"])
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ImportError, ValueError, OSError):
        pass  # not enforceable here (e.g. macOS): the parent's resident-memory watch still applies
    answer: tuple[str, object]
    try:
        with sandbox_connection(Path(request["path"])) as conn:
            timer = threading.Timer(max(0.0, request["deadline"] - time.time() - 0.2), conn.interrupt)
            timer.daemon = True
            timer.start()
            try:
                answer = ("ok", _execute(conn, request["query"], int(request["max_rows"])))
            except duckdb.Error as exc:
                answer = ("refused", _explain(exc))
            finally:
                timer.cancel()
    except QueryRefused as exc:
        answer = ("refused", str(exc))
    except MemoryError as exc:
        answer = ("refused", _explain(exc))
    try:
        payload = pickle.dumps(answer)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:  # a value pickle cannot carry
        payload = pickle.dumps(("refused", f"Query failed: a result value could not be returned ({exc})."))
    answer_stream.write(payload)
    answer_stream.flush()


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
    # Marts written by Python assets are declared as dbt sources (orchestration/lib/descriptions.py).
    for source in manifest.get("sources", {}).values():
        columns = {col: (info.get("description") or "") for col, info in (source.get("columns") or {}).items()}
        out.setdefault((source.get("schema", ""), source.get("name", "")), (source.get("description") or "", columns))
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
