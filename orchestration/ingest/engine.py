"""Loading seller exports: many files, each in its own transaction, each filed away after its load.

The seams, one module each:
    detect.py        which export a file is, by its header signature (once per inbox file per build)
    source_table.py  reading a file into `_src` (CSV/TSV through DuckDB, XLSX streamed)
    load.py          one file's transaction: identify, read, parse (sqlgen), gate (validation), write
    load_log.py      raw._load_log / raw._quarantined_rows, the raw tables' DDL, `LoadResult`
    filing.py        archive or quarantine (+ reason file) after the load
This module walks the inbox (or the paths given) and puts them together.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from orchestration.ingest import load_log
from orchestration.ingest.detect import detect_kind, inbox_kinds
from orchestration.ingest.errors import display_name
from orchestration.ingest.filing import entry_kind, file_away
from orchestration.ingest.load import EventSink, Progress, ProgressEvent, ingest_file
from orchestration.ingest.load_log import LoadResult, ensure_raw_tables, open_warehouse
from orchestration.lib.ingest_precheck import SKIPPED_SUFFIXES
from orchestration.lib.ingest_precheck import inbox_entries as _inbox_entries

# The inbox's listing is shared with `tsw ingest`'s check before Dagster (orchestration/lib/ingest_precheck.py).

__all__ = [
    "SKIPPED_SUFFIXES", "EventSink", "LoadResult", "Progress", "ProgressEvent", "detect_kind", "ensure_raw_tables",
    "entry_kind", "inbox_files", "ingest_file", "ingest_inbox", "ingest_paths", "open_warehouse",
]


def ingest_paths(paths: Iterable[Path | str], *, warehouse: Path | str | None = None, period=None,
                 move_files: bool = True, progress: Progress | None = None,
                 on_event: EventSink | None = None, expand_folders: bool = True) -> list[LoadResult]:
    """Load each file in its own transaction; then file it away (archive or quarantine).

    A folder stands for the regular files directly inside it (`expand_folders`); links, pipes and
    other special entries are refused with a reason and never opened."""
    paths = [Path(p) for p in paths]
    if expand_folders:
        paths = _expand(paths)
    results: list[LoadResult] = []
    failure: BaseException | None = None
    conn = open_warehouse(warehouse)
    try:
        for i, path in enumerate(paths):
            if not os.path.lexists(path):
                # Listed from the inbox, then filed by someone else (a `tsw ingest` of the same content,
                # see ingest_precheck): nothing left to load, nothing to record.
                continue

            def relay(event: ProgressEvent, _i=i) -> None:
                if on_event:
                    on_event(ProgressEvent(event.file, event.stage, _i, len(paths), event.bytes_done, event.bytes_total))

            try:
                result = ingest_file(conn, path, period=period, progress=progress, on_event=relay)
            except Exception as exc:  # noqa: BLE001 — re-raised below, after the other files
                # The machine failed (disk, memory), not the file: it stays in the inbox for a retry, and
                # the other files still load; the first such error is raised once all were tried.
                failure = failure or exc
                continue
            if move_files:
                file_away(path, result, move=True)
                if result.status == "quarantined_file":
                    load_log.record_filed_as(conn, result)
            results.append(result)
            if on_event:
                on_event(ProgressEvent(display_name(path), "filed", i + 1, len(paths)))
    finally:
        conn.close()
    if failure is not None:
        raise failure
    return results


def inbox_files() -> list[Path]:
    """Regular files waiting in the inbox (links, folders, pipes are not files: see ingest_inbox)."""
    return _inbox_entries()[0]


def _expand(paths: list[Path]) -> list[Path]:
    """A folder given on the command line stands for the regular files directly inside it."""
    out: list[Path] = []
    for path in paths:
        if entry_kind(path) == "folder":
            out.extend(sorted(p for p in path.iterdir() if entry_kind(p) is None and not p.name.startswith(".")
                              and not p.name.endswith(SKIPPED_SUFFIXES)))
        else:
            out.append(path)
    return out


def ingest_inbox(*, warehouse: Path | str | None = None, kinds: Iterable[str] | None = None,
                 progress: Progress | None = None, on_event: EventSink | None = None) -> list[LoadResult]:
    """Everything waiting in settings.inbox_dir().

    With `kinds`, only files of those kinds are loaded (one Dagster asset per raw table); files no
    definition recognises are quarantined whatever `kinds` says — they belong to nobody.
    """
    files, refused = _inbox_entries()
    selected = list(refused)  # links, folders, pipes: refused (with a reason) by whichever asset runs first
    if kinds is None:
        selected += files
    else:
        wanted = set(kinds)
        # None: unknown or unreadable, refused by whichever asset meets it first, with its reason.
        selected += [path for path, kind in inbox_kinds(files).items() if kind is None or kind in wanted]
    return ingest_paths(selected, warehouse=warehouse, progress=progress, on_event=on_event, expand_folders=False)
