"""Errors raised by the ingest engine. Every message names the file; row and rule where they apply."""

from __future__ import annotations

import csv
import re
import zipfile
import zlib
from pathlib import Path

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
NAME_LIMIT = 120  # characters of a file name shown in messages, tables and kept in a stored name


def display_name(path: Path | str) -> str:
    """A file's name as it may appear in a message, a table or a reason file: control characters
    (newlines that would forge lines, bidi overrides that would disguise it) shown as '?', and at most
    NAME_LIMIT characters (the middle elided, the extension kept)."""
    name = Path(str(path)).name if str(path) not in ("", ".") else str(path)
    name = _UNSAFE_NAME.sub("?", name)
    if len(name) > NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        if not dot or len(ext) > 10:
            stem, ext = name, ""
        keep = NAME_LIMIT - len(ext) - 2
        name = f"{stem[: keep - 12]}…{stem[-11:]}" + (f".{ext}" if ext else "")
    return name


def safe_file_name(name: str) -> str:
    """A name safe to create on disk beside the original (quarantine/): the display form with '?'
    and '…' made plain, never longer than NAME_LIMIT characters, never empty or hidden."""
    shown = display_name(name).replace("?", "_").replace("…", "_").replace("/", "_")
    shown = shown.lstrip(".") or "file"
    # File systems count bytes (255 at most); leave room for "-<sha8>" and ".reason.txt".
    while len(shown.encode("utf-8")) > 160:
        stem, dot, ext = shown.rpartition(".")
        shown = f"{stem[:-1]}.{ext}" if dot and len(ext) <= 10 and len(stem) > 1 else shown[:-1]
    return shown


class IngestError(Exception):
    """Base class for problems with an input file."""


def known_header_names() -> frozenset[str]:
    """Every header alias of every export definition, normalised (the only cells a message may echo)."""
    from orchestration.formats import load_formats

    return frozenset(a for fmt in load_formats() for col in fmt.columns for a in col.normalized_aliases)


def echo_headers(headers: list[str], limit: int = 40) -> str:
    """The header cells a message may show: only those that are known header names.

    A file whose header row is missing (a data row where the headers should be) would otherwise put
    a buyer's name, e-mail, street and phone into the load log; unknown cells are counted, not shown.
    """
    from orchestration.formats import normalize_header

    known = known_header_names()
    shown = [h for h in headers if normalize_header(h) in known]
    hidden = sum(1 for h in headers if str(h).strip()) - len([h for h in shown if str(h).strip()])
    shown = [h for h in shown if str(h).strip()]
    text = ", ".join(repr(h) for h in shown[:limit])
    if len(shown) > limit:
        text += f" … (+{len(shown) - limit} more)"
    cells = (f"{hidden} {'other ' if shown else ''}cell{'s' if hidden != 1 else ''} that "
             f"match{'es' if hidden == 1 else ''} no known header (not shown: they may be personal data, e.g. a data "
             "row where the header row should be)")
    if shown and hidden:
        return f"the column titles {text} and {cells}"
    if shown:
        return f"the column titles {text}"
    return cells if hidden else "no column titles (it is empty)"


class UnknownFormatError(IngestError):
    """No export definition recognises the file's headers."""

    def __init__(self, path: Path | str, headers_seen: list[str] | None, detail: str = ""):
        self.path = Path(path)
        self.headers_seen = list(headers_seen or [])
        extra = f" {detail}" if detail else ""
        super().__init__(
            f"{display_name(self.path)}: unknown export format: this file is not one of the exports the warehouse "
            f"reads. Its first row holds {echo_headers(self.headers_seen)}.{extra} Accepted exports: "
            f"{'; '.join(accepted_exports())}. If it is one of them, download it again and drop it in unchanged "
            "(the column titles must stay in the first row)."
        )


def accepted_exports() -> list[str]:
    """Where each accepted export is downloaded, in the seller's words: the first comment line of each
    format YAML (orchestration/formats/<kind>.yaml), e.g. "Shopify Admin > Orders > Export (CSV, 79 columns)"."""
    from orchestration import settings

    out = []
    for path in sorted(settings.FORMATS_DIR.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[:1]
        if first and first[0].startswith("#"):
            out.append(first[0].lstrip("# ").rstrip(". "))
    return out


class FileRejected(IngestError):
    """The whole file is refused (moved to quarantine); `rule` is a stable identifier."""

    def __init__(self, path: Path | str, rule: str, reason: str, row: int | None = None):
        self.path = Path(path)
        self.rule = rule
        self.reason = reason
        self.row = row
        where = f" (row {row})" if row is not None else ""
        super().__init__(f"{display_name(self.path)}{where}: rule '{rule}': {reason}")


# What a file's bytes can make a reader raise (as opposed to the machine: disk full, memory, interrupts).
# OSError is the machine's; a damaged zip or XML, a stray byte, a parser's ValueError are the file's.
CONTENT_ERRORS: tuple[type[BaseException], ...] = (
    FileRejected, ValueError, LookupError, ArithmeticError, TypeError, AttributeError, EOFError,
    SyntaxError,  # xml.etree's ParseError
    zipfile.BadZipFile, zlib.error, csv.Error,
)


def as_rejection(path: Path, exc: BaseException) -> FileRejected:
    """A content error as the file's rejection. Only the exception's type is kept: its text may quote the file."""
    if isinstance(exc, FileRejected):
        return exc
    what = "damaged_xlsx" if isinstance(exc, (SyntaxError, zipfile.BadZipFile, zlib.error)) else "unreadable_file"
    return FileRejected(
        path, what,
        f"the file cannot be read ({type(exc).__name__}); it is probably damaged (cut or corrupted during "
        "download or copy) — re-download the export",
    )
