"""`tsw ingest` before Dagster: are all the files it was given already loaded?

Answered from the archive alone (plain files, no DuckDB, no Dagster), so it never waits for the warehouse's
lock or the `warehouse_writer` slot and never blocks a build that holds them. A file counts as already
loaded when its content hash has an archive sidecar (`archive/<sha256>.<ext>.json`, written only after the
file's load transaction committed) and the archived copy beside it still hashes to that content. Anything
else (a new or changed file, a damaged archive copy, a link or folder to refuse, no warehouse at all) gets
"no": the normal ingest then runs, in the slot, and decides as it always did.

A copy of a loaded file waiting in the inbox is removed, as the normal ingest would (the archive holds it);
the loader skips an inbox file that disappears between its listing and its load, so a build running at the
same moment is not disturbed.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from orchestration import settings

SKIPPED_SUFFIXES = (".reason.txt", ".crdownload", ".part", ".tmp", ".partial")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class AlreadyLoaded:
    path: Path
    sha256: str
    original_name: str
    loaded_at: str  # ISO text from the sidecar
    in_inbox: bool


def inbox_entries(inbox: Path | None = None) -> tuple[list[Path], list[Path]]:
    """(regular files, everything else) in the inbox (this shop's, or the folder given), by lstat: nothing is
    followed or opened."""
    top_level = inbox is None and settings.shop() is None
    inbox = inbox or settings.inbox_dir()
    if not inbox.exists():
        return [], []
    files: list[tuple[int, str, Path]] = []
    others: list[Path] = []
    with os.scandir(inbox) as it:
        for entry in it:
            if entry.name.startswith(".") or entry.name.endswith(SKIPPED_SUFFIXES):
                continue
            path = Path(entry.path)
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            if stat.S_ISREG(st.st_mode):
                files.append((st.st_mtime_ns, entry.name, path))
            elif stat.S_ISDIR(st.st_mode) and top_level and settings.SHOP_NAME.match(entry.name):
                continue  # another shop's inbox (inbox/<shop>/): loaded by that shop's run, never refused here
            else:
                others.append(path)
    return [p for _, _, p in sorted(files)], sorted(others)


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _sha256(path: Path) -> str | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def inside_lexically(path: Path, folder: Path) -> bool:
    """`path` sits in `folder` by name (its last part is not resolved: a link stays a link). Also what
    ingest/filing.py asks before moving a file out of the inbox."""
    try:
        Path(os.path.abspath(path)).parent.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def _loaded(path: Path, archive: Path, inbox: Path) -> AlreadyLoaded | None:
    sha = _sha256(path)
    if sha is None:
        return None
    for side in sorted(archive.glob(f"{sha}.*.json")):
        stored = side.with_name(side.name[: -len(".json")])
        if not _regular(stored) or _sha256(stored) != sha:
            continue  # cut or damaged copy: the normal ingest repairs it from this file
        try:
            meta = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("sha256") != sha:
            continue
        return AlreadyLoaded(path, sha, str(meta.get("original_name") or stored.name), str(meta.get("loaded_at") or ""),
                             inside_lexically(path, inbox))
    return None


def all_already_loaded(paths: list[Path]) -> list[AlreadyLoaded] | None:
    """Each file `tsw ingest` would load (the paths given, a folder standing for the regular files directly
    inside it; else the inbox) if every one of them is already loaded; None if any needs the normal ingest.
    An empty list: nothing to load at all (an empty inbox)."""
    if not settings.warehouse_path().exists():
        return None
    if paths:
        files: list[Path] = []
        for path in paths:
            if os.path.isdir(path) and not os.path.islink(path):
                for child in sorted(Path(path).iterdir()):
                    if child.name.startswith(".") or child.name.endswith(SKIPPED_SUFFIXES):
                        continue
                    if _regular(child):  # links, pipes, sub-folders inside are skipped, as the normal ingest does
                        files.append(child)
            elif _regular(path):
                files.append(Path(path))
            else:
                return None
    else:
        files, others = inbox_entries()
        if others:
            return None
    archive, inbox = settings.archive_dir(), settings.inbox_dir()
    found: list[AlreadyLoaded] = []
    for path in files:
        hit = _loaded(path, archive, inbox)
        if hit is None:
            return None
        found.append(hit)
    return found


def file_away_copies(found: list[AlreadyLoaded]) -> None:
    """Remove the inbox copies of loaded content (the archive holds it); files given from elsewhere stay."""
    for hit in found:
        if hit.in_inbox:
            try:
                os.unlink(hit.path)
            except FileNotFoundError:
                pass  # a build running now filed it first
