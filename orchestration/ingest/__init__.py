"""Seller-export ingestion: detect the export kind by its headers, parse in DuckDB, load raw.*.

Public API (used by the `tsw` CLI and the Dagster assets):
    detect_kind(path) -> FormatDefinition
    ingest_file(conn, path, *, period=None, progress=None) -> LoadResult
    ingest_paths(paths, *, warehouse=None, period=None, move_files=True, progress=None) -> list[LoadResult]
    ingest_inbox(*, warehouse=None) -> list[LoadResult]
"""

from orchestration.ingest.engine import (
    LoadResult,
    ProgressEvent,
    detect_kind,
    ensure_raw_tables,
    inbox_files,
    ingest_file,
    ingest_inbox,
    ingest_paths,
    open_warehouse,
)
from orchestration.ingest.errors import FileRejected, IngestError, UnknownFormatError

__all__ = [
    "FileRejected",
    "IngestError",
    "LoadResult",
    "ProgressEvent",
    "UnknownFormatError",
    "detect_kind",
    "ensure_raw_tables",
    "inbox_files",
    "ingest_file",
    "ingest_inbox",
    "ingest_paths",
    "open_warehouse",
]
