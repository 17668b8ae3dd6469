"""The archive: every loaded export, by content hash — the warehouse's source of truth.

`archive/<sha256>.<ext>` holds the file's exact bytes; `archive/<sha256>.<ext>.json` (the sidecar)
keeps what the original file name carried and the archived name cannot: the name itself, the
reporting period and the export time (TikTok order exports are named after it; staging keeps each
order from its newest export), and when it was first loaded (the original load order, which no
longer decides which version wins: dbt_project/macros/file_versions.sql). Both are written atomically (a temporary file beside the target, flushed, then renamed) and
the bytes are verified against the hash before the rename and whenever the archive is read, so a
copy cut by a kill or a full disk is never taken for the file: re-dropping the file repairs it.

`rebuild()` loads the archive into a fresh warehouse in the original load order, with each file's
sidecar standing in for its name, and runs the normal build: with the same seller catalogue and
`seeds/`, the marts come out row for row as they were.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from orchestration import settings
from orchestration.ingest import readers

SIDECAR_SUFFIX = ".json"


class ArchiveDamaged(RuntimeError):
    """An archived file no longer matches its hash (and no good copy was at hand to repair it)."""


def sidecar_path(target: Path) -> Path:
    return target.with_name(target.name + SIDECAR_SUFFIX)


def _atomic_write_bytes(target: Path, write) -> None:
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _verified(path: Path, sha: str) -> bool:
    try:
        return readers.file_sha256(path) == sha
    except (OSError, ValueError):
        return False


def store(source: Path, target: Path, sha: str, result=None, *, move: bool) -> None:
    """Put `source` (content `sha`) at `target` in the archive, atomically and verified; write its sidecar
    when `result` (a first load) is given and none exists. A damaged or missing archive copy is replaced
    from `source`. With `move`, the source is removed once the archive holds a verified copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if result is not None and not sidecar_path(target).exists():
        write_sidecar(target, result)
    if not (target.exists() and _verified(target, sha)):
        done = False
        if move:
            try:
                os.rename(source, target)  # same file system: atomic, nothing copied
                done = True
            except OSError:
                done = False
        if not done:
            def copy(fh) -> None:
                with readers.open_regular(source) as src:
                    shutil.copyfileobj(src, fh, readers.CHUNK)

            _atomic_write_bytes(target, copy)
        if not _verified(target, sha):
            raise ArchiveDamaged(f"{target}: the archived copy does not match its hash after writing (disk full?)")
        if done:
            return
    if move:
        source.unlink(missing_ok=True)  # a `tsw ingest` of the same content may have removed it already


def write_sidecar(target: Path, result) -> None:
    meta = {
        "sha256": result.content_sha256,
        "original_name": result.original_name or result.file,
        "kind": result.kind,
        "period_start": result.period[0].isoformat() if result.period else None,
        "period_end": result.period[1].isoformat() if result.period else None,
        "exported_at": result.exported_at.isoformat() if result.exported_at else None,
        "loaded_at": (result.loaded_at or datetime.now(UTC)).isoformat(),
        "batch_id": result.batch_id,
    }
    body = json.dumps(meta, indent=1, sort_keys=True).encode("utf-8")
    _atomic_write_bytes(sidecar_path(target), lambda fh: fh.write(body))


@dataclass(frozen=True)
class ArchivedFile:
    path: Path
    sha256: str
    original_name: str
    period: tuple[date, date] | None
    exported_at: datetime | None
    loaded_at: str  # ISO text; sorts in load order
    from_sidecar: bool


def _from_load_log(warehouse: Path) -> dict[str, dict]:
    """What an older archive without sidecars can still learn from a warehouse's load log."""
    import duckdb

    if not warehouse.exists():
        return {}
    try:
        conn = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return {}
    try:
        rows = conn.execute(
            "SELECT sha256, file_name, period_start, period_end, exported_at, CAST(loaded_at AS VARCHAR) "
            "FROM raw._load_log WHERE status = 'loaded' ORDER BY loaded_at"
        ).fetchall()
    except duckdb.Error:
        return {}
    finally:
        conn.close()
    return {r[0]: {"original_name": r[1], "period_start": r[2] and r[2].isoformat(),
                   "period_end": r[3] and r[3].isoformat(), "exported_at": r[4] and r[4].isoformat(),
                   "loaded_at": r[5]} for r in rows}


def archived_files(fallback_warehouse: Path | None = None) -> list[ArchivedFile]:
    """Every archived export in original load order (sidecar, else the load log of `fallback_warehouse`)."""
    folder = settings.archive_dir()
    if not folder.exists():
        return []
    fallback = _from_load_log(fallback_warehouse) if fallback_warehouse else {}
    out = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name.endswith(SIDECAR_SUFFIX) or not path.is_file() or path.is_symlink():
            continue
        sha = path.name.split(".", 1)[0]
        side = sidecar_path(path)
        meta = json.loads(side.read_text(encoding="utf-8")) if side.exists() else fallback.get(sha)
        if meta is None:
            meta = {"original_name": path.name, "loaded_at": ""}
        period = None
        if meta.get("period_start") and meta.get("period_end"):
            period = (date.fromisoformat(meta["period_start"]), date.fromisoformat(meta["period_end"]))
        exported = datetime.fromisoformat(meta["exported_at"]) if meta.get("exported_at") else None
        out.append(ArchivedFile(path, sha, meta.get("original_name") or path.name, period, exported,
                                meta.get("loaded_at") or "", side.exists()))
    return sorted(out, key=lambda a: (a.loaded_at, a.path.name))


@dataclass
class RebuildResult:
    files: int
    damaged: list[str]
    results: list
    moved_aside: Path | None

    def lines(self) -> list[str]:
        out = [f"rebuilt the warehouse from {self.files} archived file(s)"
               + (f"; the previous warehouse was kept as {self.moved_aside}" if self.moved_aside else "")]
        for name in self.damaged:
            out.append(f"DAMAGED, not loaded: {name} no longer matches its hash; restore it from your backup of "
                       "archive/ (or drop the original export into the inbox again)")
        bad = [r for r in self.results if r.status != "loaded"]
        for r in bad:
            out.append(f"{r.status}: {r.message}")
        return out


def reload_archive(*, warehouse: Path | None = None) -> RebuildResult:
    """Move the warehouse aside and load every archived file into a fresh one, in original load order.

    Verifies each file's hash first; a damaged one is reported and not loaded. The build (dbt, publish)
    is the caller's next step (`tsw rebuild` runs it)."""
    from orchestration.ingest.engine import ingest_file, open_warehouse

    target = Path(warehouse) if warehouse else settings.warehouse_path()
    moved = None
    files = archived_files(fallback_warehouse=target)
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        moved = target.with_name(f"{target.stem}.before-rebuild-{stamp}{target.suffix}")
        os.replace(target, moved)
        wal = target.with_name(target.name + ".wal")
        if wal.exists():
            os.replace(wal, moved.with_name(moved.name + ".wal"))
    damaged: list[str] = []
    results = []
    conn = open_warehouse(target)
    try:
        for item in files:
            if not _verified(item.path, item.sha256):
                damaged.append(item.path.name)
                continue
            results.append(ingest_file(conn, item.path, period=item.period, source_name=item.original_name,
                                       exported_at=item.exported_at))
    finally:
        conn.close()
    return RebuildResult(len(files), damaged, results, moved)
