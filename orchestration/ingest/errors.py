"""Errors raised by the ingest engine. Every message names the file; row and rule where they apply."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """Base class for problems with an input file."""


class UnknownFormatError(IngestError):
    """No export definition recognises the file's headers."""

    def __init__(self, path: Path | str, headers_seen: list[str] | None, detail: str = ""):
        self.path = Path(path)
        self.headers_seen = list(headers_seen or [])
        shown = ", ".join(repr(h) for h in self.headers_seen[:40])
        more = f" … (+{len(self.headers_seen) - 40} more)" if len(self.headers_seen) > 40 else ""
        extra = f" {detail}" if detail else ""
        super().__init__(
            f"{self.path.name}: unknown export format: no definition in orchestration/formats matches the "
            f"headers seen [{shown}{more}].{extra} Add the header aliases to the matching YAML definition."
        )


class FileRejected(IngestError):
    """The whole file is refused (moved to quarantine); `rule` is a stable identifier."""

    def __init__(self, path: Path | str, rule: str, reason: str, row: int | None = None):
        self.path = Path(path)
        self.rule = rule
        self.reason = reason
        self.row = row
        where = f" (row {row})" if row is not None else ""
        super().__init__(f"{self.path.name}{where}: rule '{rule}': {reason}")
