"""The dbt project as dagster-dbt sees it, plus the one place that keeps its manifest fresh.

Kept apart from the @dbt_assets definition (dagster-dbt's packaging needs that split).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration import settings

if TYPE_CHECKING:
    from dagster_dbt import DbtProject

# dbt's target folder, relative to the project: the manifest's place for both dagster-dbt and the check below.
TARGET_PATH = "target"


def dbt_project() -> DbtProject:
    # Imported here: ~5 s of CPU, not needed to see whether the manifest is fresh (ensure_manifest).
    from dagster_dbt import DbtProject

    return DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR,
                      target_path=Path(TARGET_PATH))


def manifest_path() -> Path:
    return settings.DBT_PROJECT_DIR / TARGET_PATH / "manifest.json"


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
    manifest = manifest_path()
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
