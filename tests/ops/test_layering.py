"""The package's layers import downwards only: the shared code in lib/ and ingest/ and the domain folders
in defs/ never reach up to the code location (orchestration.definitions) or to the commands that run it
(build, status, cli). An import the other way is how a helper starts loading dbt's manifest by accident."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "orchestration"
TOP = {"orchestration.definitions", "orchestration.build", "orchestration.status", "orchestration.cli"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_lower_layers_never_import_the_code_location_or_the_commands():
    offenders = []
    for folder in ("lib", "ingest", "defs", "formats", "analysis"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            reached = _imports(path) & TOP
            if reached:
                offenders.append(f"{path.relative_to(PACKAGE.parent)} imports {sorted(reached)}")
    assert offenders == []
