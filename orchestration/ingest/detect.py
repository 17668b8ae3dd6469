"""Which export a file is: by its header signature only (never by its name or position).

`detect(path, info)` is the loader's authoritative detection, on the headers of the file's full sniff.
`inbox_kinds(paths)` answers "which of these inbox files are mine?" for the loader assets: each of the
build's seller-export assets asks it about the whole inbox, perhaps each in its own process (Dagster's
multiprocess executor), so the answer is remembered per file in `$TSW_HOME/tmp/inbox-kinds.json`, keyed by
the file's (device, inode, size, modification time) and a fingerprint of the format definitions: a
build detects each inbox file once, however many assets ask (`detections()` counts them for tests).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from orchestration import settings
from orchestration.formats import FormatDefinition, load_formats
from orchestration.ingest import readers
from orchestration.ingest.errors import CONTENT_ERRORS, UnknownFormatError

STORE_NAME = "inbox-kinds.json"
_COUNT = {"n": 0}


def detect(path: Path, info: readers.FileInfo) -> tuple[FormatDefinition, list[str], str | None]:
    """(definition, headers as written, A1-style period text) — by header signature only."""
    candidates: list[tuple[FormatDefinition, list[str], str | None]] = []
    seen: list[str] = []
    formats = load_formats()
    if info.container == "xlsx":
        sha = info.sha256 or readers.content_sha256(path)
        cache: dict[tuple, readers.XlsxHeader] = {}
        for fmt in formats:
            if fmt.xlsx is None:
                continue
            key = (fmt.xlsx.sheet, fmt.xlsx.header_row, fmt.xlsx.section_row, fmt.xlsx.period_cell)
            if key not in cache:
                cache[key] = readers.xlsx_headers(path, fmt.xlsx, sha)
            found = cache[key]
            if not seen:
                seen = found.headers
            if fmt.signature_matches(found.headers):
                candidates.append((fmt, found.headers, found.period_text))
    else:
        seen = list(info.headers)
        for fmt in formats:
            if {"csv", "tsv"} & set(fmt.file_types) and fmt.signature_matches(seen):
                candidates.append((fmt, seen, None))
    if not candidates:
        raise UnknownFormatError(path, seen)
    candidates.sort(key=lambda c: len(c[0].signature), reverse=True)
    if len(candidates) > 1 and len(candidates[0][0].signature) == len(candidates[1][0].signature):
        kinds = [c[0].kind for c in candidates]
        raise UnknownFormatError(path, seen, f"The headers match several definitions ({kinds}); make signatures distinct.")
    return candidates[0]


def detect_kind(path: Path | str) -> FormatDefinition:
    """The export definition whose header signature the file carries (never by name or position)."""
    path = Path(path)
    _COUNT["n"] += 1
    return detect(path, readers.peek(path))[0]


def detections() -> int:
    """Files detected by `detect_kind` in this process (tests: once per file per build)."""
    return _COUNT["n"]


@lru_cache(maxsize=4)
def _formats_fingerprint(directory: str) -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _file_key(path: Path, fingerprint: str) -> str:
    st = os.lstat(path)
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{fingerprint}"


def _read_store(path: Path) -> dict[str, str | None]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_store(path: Path, kinds: dict[str, str | None]) -> None:
    """Atomically (a half-written store would only cost a re-detection, but is never read as one)."""
    from orchestration.lib import processes

    path.parent.mkdir(parents=True, exist_ok=True)
    pid, start = processes.owner_token().split(":")
    # Named like scratch_dir()'s folders, so a killed writer's leftover is removed by recovery.
    fd, tmp = tempfile.mkstemp(prefix=f"detect-{pid}-{start}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(kinds, fh)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def inbox_kinds(paths: list[Path]) -> dict[Path, str | None]:
    """The export kind of each regular inbox file; None when no definition recognises it or its content
    cannot be read (whichever loader meets it first refuses it, with the reason). Detected once per file."""
    store_path = settings.tmp_dir() / STORE_NAME
    fingerprint = _formats_fingerprint(str(settings.FORMATS_DIR))
    known = _read_store(store_path)
    current: dict[str, str | None] = {}
    out: dict[Path, str | None] = {}
    for path in paths:
        key = _file_key(path, fingerprint)
        if key in known:
            kind = known[key]
        else:
            try:
                kind = detect_kind(path).kind
            except (UnknownFormatError, *CONTENT_ERRORS):
                kind = None
        current[key] = kind
        out[path] = kind
    if current != known:
        _write_store(store_path, current)  # only the files still waiting: loaded ones drop out
    return out
