"""The project's one violation type: a rule that failed, named by file (or table), data row and rule.

The export gate (ingest/validation.py, SQL) and the stored Great Expectations suites (quality/suites.py) both
report in it, so a seller reads every refusal the same way. Free of GX and pandas: cheap to import.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    file: str
    row: int | None  # 1-based data row (header excluded); None for a whole-file rule
    rule: str
    detail: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "whole file"
        return f"{self.file}: {where}: rule '{self.rule}' failed: {self.detail}"


class ValidationFailed(Exception):
    def __init__(self, violations: list[Violation]):
        self.violations = violations
        shown = "\n".join(f"  - {v}" for v in violations[:20])
        more = f"\n  … and {len(violations) - 20} more" if len(violations) > 20 else ""
        super().__init__(f"{len(violations)} validation failure(s):\n{shown}{more}")
