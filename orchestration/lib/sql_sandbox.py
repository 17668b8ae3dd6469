"""Ad-hoc SQL for users: read-only, no files, no network, bounded rows and time.

Used by `tsw sql` and the Streamlit SQL page. The query runs on the published snapshot
through a connection opened read-only with external access disabled and the configuration
locked, so `COPY … TO`, `read_csv('/etc/passwd')`, `ATTACH`, `INSTALL`/`LOAD` and `SET`
all fail inside DuckDB itself; the error is translated into a plain message.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration import settings

SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}


class QueryRefused(Exception):
    """The query was not run or was stopped; the message says why in plain words."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool


def _explain(exc: Exception) -> str:
    text = str(exc)
    lowered = text.lower()
    if "read-only" in lowered or "read only" in lowered:
        return f"Refused: the warehouse is read-only here (queries may not change data). DuckDB said: {text}"
    if "external access" in lowered or "file system" in lowered or "permission" in lowered:
        return f"Refused: queries may not read or write files or the network. DuckDB said: {text}"
    if "configuration" in lowered and "lock" in lowered:
        return f"Refused: settings cannot be changed here. DuckDB said: {text}"
    if "interrupt" in lowered:
        return "Stopped: the query ran past its time limit."
    return f"Query failed: {text}"


def run_query(query: str, *, max_rows: int = 1000, timeout_s: float = 30.0, path: Path | None = None) -> QueryResult:
    path = path or settings.published_path()
    if not path.exists():
        raise QueryRefused(f"No build has been published yet ({path}): run `tsw build` first.")
    try:
        conn = duckdb.connect(str(path), read_only=True, config=SANDBOX_CONFIG)
    except duckdb.Error as exc:
        raise QueryRefused(_explain(exc)) from exc
    timer = threading.Timer(timeout_s, conn.interrupt)
    timer.start()
    try:
        cursor = conn.execute(query)
        if cursor.description is None:
            return QueryResult(columns=[], rows=[], truncated=False)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchmany(max_rows + 1)
        return QueryResult(columns=columns, rows=rows[:max_rows], truncated=len(rows) > max_rows)
    except duckdb.Error as exc:
        raise QueryRefused(_explain(exc)) from exc
    finally:
        timer.cancel()
        conn.close()
