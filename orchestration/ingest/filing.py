"""Filing a file away after its load: loaded or duplicate content to the archive (`archive/<sha>.<ext>` +
sidecar, see archive.py), a refused file to `quarantine/<name>` beside `<name>.reason.txt` saying why and
what to do. Files inside the inbox are moved; files given from elsewhere are copied. Links, folders and
pipes are never opened or followed (`entry_kind` looks with lstat).
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from orchestration import settings
from orchestration.ingest.errors import display_name, safe_file_name
from orchestration.ingest.load_log import LoadResult
from orchestration.lib.ingest_precheck import inside_lexically


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _unique_target(folder: Path, name: str, sha: str) -> Path:
    target = folder / name
    n = 0
    while os.path.lexists(target) or os.path.lexists(target.with_name(target.name + ".reason.txt")):
        n += 1
        stem, dot, ext = name.partition(".")
        target = folder / f"{stem}-{(sha or 'x' * 8)[:8]}{f'-{n}' if n > 1 else ''}{dot}{ext}"
    return target


def entry_kind(path: Path) -> str | None:
    """None for a regular file; otherwise what the entry is, found without following a link."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing file (it was moved or deleted)"
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device or other special file"


def file_away(path: Path, result: LoadResult, move: bool) -> None:
    """Loaded/duplicate -> archive/<sha>.<ext>; rejected -> quarantine/<name> + <name>.reason.txt.

    Files inside the inbox are moved; files given from elsewhere are copied (the user's own
    folder is left as it was).
    """
    transfer = shutil.move if move and _inside(path, settings.inbox_dir()) else shutil.copy2
    if result.status in ("loaded", "duplicate"):
        from orchestration.ingest import archive

        archive.store(path, Path(result.stored_as), result.content_sha256, result if result.status == "loaded" else None,
                      move=transfer is shutil.move)
        return
    settings.quarantine_dir().mkdir(parents=True, exist_ok=True)
    target = _unique_target(settings.quarantine_dir(), safe_file_name(path.name), result.content_sha256 or "00000000")
    if result.rule == "not_a_regular_file":
        # A link, folder or pipe: never opened or followed. One in the inbox is moved aside as it is (rename
        # moves the link itself), so it is reported once; one given from elsewhere is left where it is.
        if not (move and inside_lexically(path, settings.inbox_dir())):
            result.stored_as = None
            return
        os.rename(path, target)
    else:
        transfer(str(path), str(target))
    result.stored_as = str(target)
    reason = target.with_name(target.name + ".reason.txt")
    reason.write_text(
        f"file: {display_name(path)}\nsha256: {result.content_sha256}\nkind: {result.kind or 'unknown'}\n"
        f"rule: {result.rule}\nreason: {result.message}\n"
        "What to do: fix the cause above (or re-download the export), then drop the file into the inbox again.\n",
        encoding="utf-8",
    )
