"""The dbt project as dagster-dbt sees it, plus the one place that keeps its manifest fresh.

Kept apart from the @dbt_assets definition (dagster-dbt's packaging needs that split).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration import settings


def dbt_project() -> DbtProject:
    return DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)


def _newest_source_mtime() -> float:
    root = settings.DBT_PROJECT_DIR
    files = [root / "dbt_project.yml", root / "profiles.yml"]
    for folder in ("models", "macros", "tests"):
        files += [p for p in (root / folder).rglob("*") if p.is_file()]
    return max(p.stat().st_mtime for p in files if p.exists())


def ensure_manifest() -> Path:
    """Run `dbt parse` when the manifest is missing or older than any model, macro or test.

    Called when definitions are loaded (never at import), so `dagster dev`, `tsw build` and the
    tests always see the models as they are on disk.
    """
    manifest = dbt_project().manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime():
        return manifest
    result = subprocess.run(
        [str(settings.dbt_executable()), "parse", "--quiet"],
        cwd=settings.DBT_PROJECT_DIR,
        env=settings.subprocess_env(),
        check=False,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
    return manifest
