"""Opening the warehouse: one writer at a time, readers on the published snapshot."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from orchestration import settings

if TYPE_CHECKING:  # pandas only where frames are written
    import pandas as pd

SCHEMAS = ("raw", "staging", "intermediate", "marts")


@contextmanager
def writer(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection, closed on exit. Callers run inside Dagster's warehouse_writer pool."""
    path = path or settings.warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect_writable(path)
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
# Above this share of free blocks the snapshot is rewritten live data only, which also compacts the warehouse.
# A build that rebuilds every table leaves 26-43 % of the file free (blocks of the tables it replaced, reused by
# the next build), so a copy carries that much slack; compacting each time would cost the rewrite again.
MAX_FREE_SHARE_FOR_FILE_COPY = 0.5


def connect_writable(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-write connection; a file it creates is written in SNAPSHOT_STORAGE_VERSION, so the warehouse's
    own file is one outside clients can read and publishing can copy it as it is (an existing file keeps the
    storage version it was created with)."""
    return duckdb.connect(str(path), config={"storage_compatibility_version": SNAPSHOT_STORAGE_VERSION})


def publish(source: Path | None = None, target: Path | None = None, report: dict | None = None) -> Path:
    """Write the finished warehouse to the readers' snapshot, atomically, in a storage version outside
    clients read (SNAPSHOT_STORAGE_VERSION).

    The snapshot is written to a temporary file in the same folder and os.replace()d over the published
    file: a reader that already has the old file open keeps reading it, a new reader sees the new build,
    nobody ever sees half a file. After a checkpoint, a warehouse in that storage version with at most
    MAX_FREE_SHARE_FOR_FILE_COPY of its blocks free is copied as a file (the kernel's copy; a reflink where
    the file system shares extents): seconds for gigabytes, where rewriting it took minutes. Otherwise (an
    older home's warehouse in DuckDB 2.0's format, or one whose rebuilt tables left many blocks free) the
    snapshot is written as a fresh database (COPY FROM DATABASE into a file attached in that storage
    version: tables, views, comments, live data only), and that compact copy also replaces the warehouse,
    so the next publish is a file copy again. Callers hold the warehouse's writer slot. `report`, when
    given, receives how it was written (`method`: file copy | rewrite) and the warehouse's free share.
    """
    source = source or settings.warehouse_path()
    target = target or settings.published_path()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    compacted = source.with_name(f".{source.name}.{os.getpid()}.compact")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(source)) as conn:
            conn.execute(f"set memory_limit = '{_sql_string(settings.duckdb_memory_limit())}'")
            conn.execute("checkpoint")
            copy_file, free_share = _file_copy_fits(conn)
            if not copy_file:
                _copy_live_data(conn, tmp)
        # Closed after a checkpoint, the file is the whole database (a write-ahead log left beside it would
        # hold changes the file lacks: then it is never copied as a file).
        if copy_file and not source.with_name(source.name + ".wal").exists():
            shutil.copyfile(source, tmp)
        elif copy_file:
            with duckdb.connect(str(source)) as conn:
                _copy_live_data(conn, tmp)
            copy_file = False
        if not copy_file:
            shutil.copyfile(tmp, compacted)
            os.replace(compacted, source)
        os.replace(tmp, target)
        if report is not None:
            report.update(method="file copy" if copy_file else "rewrite", free_share=free_share)
    finally:
        for leftover in (tmp, compacted):
            leftover.unlink(missing_ok=True)
            leftover.with_name(leftover.name + ".wal").unlink(missing_ok=True)
    return target


def _file_copy_fits(conn: duckdb.DuckDBPyConnection) -> tuple[bool, float | None]:
    """Whether the warehouse is in the snapshot's storage version and holds few enough free blocks; its free share."""
    tags = conn.execute(
        "select tags from duckdb_databases() where database_name = current_database()"
    ).fetchone()[0] or {}
    total, free = conn.execute("select total_blocks, free_blocks from pragma_database_size() "
                               "where database_name = current_database()").fetchone()
    share = free / total if total else 0.0
    return tags.get("storage_version") == f"{SNAPSHOT_STORAGE_VERSION}+" and share <= MAX_FREE_SHARE_FOR_FILE_COPY, share


def _copy_live_data(conn: duckdb.DuckDBPyConnection, tmp: Path) -> None:
    name = conn.execute("select current_database()").fetchone()[0].replace('"', '""')
    conn.execute(f"attach '{_sql_string(tmp)}' as _snapshot (storage_version '{SNAPSHOT_STORAGE_VERSION}')")
    try:
        conn.execute(f'copy from database "{name}" to _snapshot')
    finally:
        conn.execute("detach _snapshot")


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
