"""The summary `tsw build` ends with, in plain words: outcome, counts, and each check that did not pass.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from orchestration import settings
from orchestration.lib.build_display import MAX_LISTED, strip_ansi
from orchestration.lib.build_progress import CheckOutcome, RunTracker
from orchestration.lib.build_view import _fmt_seconds

# ---------------------------------------------------------------------------------------------------
# Plain words for checks that did not pass
# ---------------------------------------------------------------------------------------------------
_LEADING_VERBS = ("warns about ", "catches ", "fails when ", "fails if ", "checks that ")


def _manifest_tests(manifest_path: Path) -> dict[str, dict]:
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {uid: node for uid, node in manifest.get("nodes", {}).items() if node.get("resource_type") == "test"}


def _header_sentence(raw_code: str) -> str:
    """The first sentence of a singular test's leading `--` comment."""
    lines = []
    for line in raw_code.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        lines.append(stripped.lstrip("-").strip())
    text = " ".join(lines)
    match = re.match(r"(.+?[a-z0-9)])(?:[.:;](?:\s|$)|$)", text)
    sentence = (match.group(1) if match else text).strip()
    for verb in _LEADING_VERBS:
        if sentence.lower().startswith(verb):
            sentence = sentence[len(verb):]
            break
    return sentence[:1].upper() + sentence[1:]


def _ref_name(text: str | None) -> str:
    match = re.search(r"ref\(['\"]([^'\"]+)['\"]\)", text or "")
    return match.group(1) if match else (text or "")


def describe_check(outcome: CheckOutcome, tests: dict[str, dict]) -> str:
    """One sentence a seller can act on: what is wrong, where, how many rows."""
    table = outcome.asset.rsplit("/", 1)[-1]
    n = outcome.failed_rows
    count = f"{n:,} row{'s' if n != 1 else ''}" if n is not None else "some rows"
    node = tests.get(outcome.unique_id or "")
    if node is None:
        readable = outcome.name.replace("_", " ")
        return f"{table}: check '{readable}' did not pass"
    meta = node.get("test_metadata") or {}
    kwargs = meta.get("kwargs") or {}
    column = kwargs.get("column_name") or node.get("column_name") or ""
    name = meta.get("name")
    if name == "not_null":
        return f"{table}: {count} without a {column}"
    if name == "unique":
        return f"{table}: {column} repeats ({count})"
    if name == "accepted_values":
        return f"{table}: {count} with a {column} outside the accepted values"
    if name == "relationships":
        target = _ref_name(kwargs.get("to"))
        return f"{table}: {count} whose {column} is not in {target}"
    if name:
        return f"{table}: {count} fail the '{name.replace('_', ' ')}' rule on {column or 'the table'}"
    sentence = node.get("description") or _header_sentence(node.get("raw_code") or "")
    found = f"{n:,} found" if n is not None else "found"
    return f"{sentence} ({found}; {table})" if sentence else f"{table}: {outcome.name.replace('_', ' ')} ({found})"


def summary_lines(result, tracker: RunTracker | None, log_path: Path, elapsed_s: float,
                  manifest_path: Path | None = None) -> list[str]:
    """The build's outcome in at most ~25 lines: totals, then every warning and failure in plain words."""
    checks = list(tracker.checks.values()) if tracker else []
    failed = [c for c in checks if not c.passed and not c.warn]
    warned = [c for c in checks if not c.passed and c.warn]
    tests = _manifest_tests(manifest_path or settings.DBT_PROJECT_DIR / "target" / "manifest.json") \
        if (failed or warned) else {}
    verdict = "Build finished" if result.success else "Build FAILED"
    lines = [(f"{verdict} in {_fmt_seconds(elapsed_s)}: {len(result.materialized)} tables built; "
              f"checks: {result.passed_checks} passed, {len(result.warned_checks)} warnings, "
              f"{len(result.failed_checks)} failed.")]

    def listed(title: str, items: list[str]) -> None:
        if not items:
            return
        lines.append(title)
        lines.extend(f"  - {item}" for item in items[:MAX_LISTED])
        if len(items) > MAX_LISTED:
            lines.append(f"  … and {len(items) - MAX_LISTED} more (see the log)")

    if tracker is not None:
        listed("Checks that failed:", [describe_check(c, tests) for c in sorted(failed, key=lambda c: c.key)])
        listed("Warnings:", [describe_check(c, tests) for c in sorted(warned, key=lambda c: c.key)])
        listed("Seller export files:", [_first_line(m) for m in tracker.file_messages])
    else:
        listed("Checks that failed:", result.failed_checks)
        listed("Warnings:", result.warned_checks)
    listed("Errors:", [_first_line(e, 300) for e in result.errors])
    lines.append(f"Full log: {log_path}")
    return lines


def _first_line(text: str, limit: int = 200) -> str:
    line = strip_ansi(text).strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
