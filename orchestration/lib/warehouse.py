"""Opening the warehouse: one writer at a time, readers on the published snapshot."""

from __future__ import annotations

import os
import shutil
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


def publish(source: Path | None = None, target: Path | None = None) -> Path:
    """Copy the finished warehouse to the readers' snapshot, atomically.

    The copy goes to a temporary file in the same folder and is os.replace()d over the
    published file: a reader that already has the old file open keeps reading it, a new
    reader sees the new build, nobody ever sees half a file.
    """
    source = source or settings.warehouse_path()
    target = target or settings.published_path()
    # Fold the write-ahead log into the file so the copy is complete on its own.
    with duckdb.connect(str(source)) as conn:
        conn.execute("checkpoint")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return target


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
