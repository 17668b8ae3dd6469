"""Opening the warehouse: one writer at a time, readers on the published snapshot."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from orchestration import settings

SCHEMAS = ("raw", "staging", "intermediate", "marts")


@contextmanager
def writer(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection, closed on exit. Callers run inside Dagster's warehouse_writer pool."""
    path = path or settings.warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(path))
    try:
        for schema in SCHEMAS:
            conn.execute(f"create schema if not exists {schema}")
        yield conn
    finally:
        conn.close()


def replace_tables(conn: duckdb.DuckDBPyConnection, frames: Mapping[str, pd.DataFrame]) -> None:
    """Replace several raw tables in ONE transaction: all of them change, or none does."""
    conn.execute("begin transaction")
    try:
        for qualified_name, frame in frames.items():
            conn.register("_incoming", frame)
            conn.execute(f"create or replace table {qualified_name} as select * from _incoming")
            conn.unregister("_incoming")
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


# The snapshot is read by outside SQL clients too (the DuckDB CLI from PyPI, DBeaver/JDBC, older Python
# duckdb), which cannot open files in DuckDB 2.0's default storage format (version 69+). Writing it in the
# storage version of DuckDB 1.4 LTS (number 67) keeps it readable by every DuckDB since 1.4.
SNAPSHOT_STORAGE_VERSION = "v1.4.0"


def publish(source: Path | None = None, target: Path | None = None) -> Path:
    """Write the finished warehouse to the readers' snapshot, atomically, in a storage version outside
    clients read (SNAPSHOT_STORAGE_VERSION).

    The snapshot is written as a fresh database (COPY FROM DATABASE into a file attached with that
    storage version: tables, views, comments) in a temporary file in the same folder and os.replace()d
    over the published file: a reader that already has the old file open keeps reading it, a new
    reader sees the new build, nobody ever sees half a file.
    """
    source = source or settings.warehouse_path()
    target = target or settings.published_path()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(source)) as conn:
            conn.execute(f"set memory_limit = '{_sql_string(settings.duckdb_memory_limit())}'")
            conn.execute("checkpoint")
            name = conn.execute("select current_database()").fetchone()[0].replace('"', '""')
            conn.execute(f"attach '{_sql_string(tmp)}' as _snapshot (storage_version '{SNAPSHOT_STORAGE_VERSION}')")
            try:
                conn.execute(f'copy from database "{name}" to _snapshot')
            finally:
                conn.execute("detach _snapshot")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    return target


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")


@contextmanager
def reader(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection on the published snapshot."""
    path = path or settings.published_path()
    if not path.exists():
        raise FileNotFoundError(f"No build has been published yet at {path}: run `tsw build` first.")
    conn = duckdb.connect(str(path), read_only=True)
    try:
        yield conn
    finally:
        conn.close()
