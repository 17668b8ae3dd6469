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
    for folder in ("lib", "ingest", "defs", "formats", "analysis", "quality"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            reached = _imports(path) & TOP
            if reached:
                offenders.append(f"{path.relative_to(PACKAGE.parent)} imports {sorted(reached)}")
    assert offenders == []


def test_the_shipped_package_never_imports_the_demo_seller():
    """tsw_demo/ (the demo seller and the simulated worlds the tests and benchmarks use) sits beside the
    product: only the `tsw demo` command (cli.py, inside the command) may reach it."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "cli.py" and path.parent == PACKAGE:
            continue
        reached = {name for name in _imports(path) if name == "tsw_demo" or name.startswith("tsw_demo.")}
        if reached:
            offenders.append(f"{path.relative_to(PACKAGE.parent)} imports {sorted(reached)}")
    assert offenders == []
    streamlit = PACKAGE.parent / "streamlit_app"
    assert not [p for p in streamlit.rglob("*.py") if any(n.startswith("tsw_demo") for n in _imports(p))]
