"""Full refresh or incremental: what the dbt step of a build does (issue 15).

The order-line staging models are dbt `incremental` (macro `orders_in_new_files`, dbt_project/macros/
file_versions.sql): a build re-stages only the orders that newly loaded files hold. That is only the same as
a full rebuild while everything else that decides their rows is unchanged, so the step runs
`dbt build --full-refresh` when

- it is asked to (`tsw build --full-refresh`, or the dbt step's `full_refresh` run config), or
- the warehouse holds no record of a finished dbt build (a new warehouse, `tsw rebuild`, an older version), or
- the *fingerprint* differs from the last finished build's: the dbt project (models, macros, tests,
  dbt_project.yml, profiles.yml), the export formats (the raw tables' columns), the public seeds, the seller's
  dbt vars (settings.toml: time zone…) and the versions of dbt-core, dbt-duckdb and duckdb.

The seller's catalogue is not in it: no incremental model reads it (the costed lines and everything above
them are rebuilt as tables on every build). The record (`raw._dbt_builds`, one row per finished dbt step) is
written in the warehouse itself, after the step, so a warehouse and the code its incremental tables were
built with never disagree, and a dbt step that failed before finishing leaves the previous record, so the
next build refreshes again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import duckdb

from orchestration import settings

TABLE = "raw._dbt_builds"


def _files() -> list[Path]:
    dbt = settings.DBT_PROJECT_DIR
    files = [dbt / "dbt_project.yml", dbt / "profiles.yml"]
    for folder in (dbt / "models", dbt / "macros", dbt / "tests", settings.REPO_ROOT / "orchestration" / "formats",
                   settings.SEEDS_DIR):
        files += sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return [p for p in files if p.exists()]


def fingerprint(dbt_vars: Mapping[str, object]) -> str:
    """A hash of everything an incremental model's rows depend on besides the raw rows themselves."""
    digest = hashlib.sha256()
    for path in _files():
        name = path.relative_to(settings.REPO_ROOT) if path.is_relative_to(settings.REPO_ROOT) else path
        digest.update(str(name).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    digest.update(json.dumps(dict(dbt_vars), sort_keys=True, default=str).encode())
    for package in ("dbt-core", "dbt-duckdb", "duckdb"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=?".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Decision:
    full_refresh: bool
    reason: str
    fingerprint: str


def decide(conn: duckdb.DuckDBPyConnection, dbt_vars: Mapping[str, object], *, requested: bool = False) -> Decision:
    """Full refresh or incremental for this build's dbt step, with the reason in plain words."""
    current = fingerprint(dbt_vars)
    if requested:
        return Decision(True, "a full refresh was requested", current)
    try:
        row = conn.execute(f"select fingerprint from {TABLE} order by finished_at desc limit 1").fetchone()
    except duckdb.CatalogException:
        row = None
    if row is None:
        return Decision(True, "no finished dbt build is recorded in this warehouse", current)
    if row[0] != current:
        return Decision(True, "the dbt project, export formats, seeds, settings or dbt version changed since the "
                              "last build", current)
    return Decision(False, "nothing but new exports since the last build", current)


def record(conn: duckdb.DuckDBPyConnection, decision: Decision) -> None:
    """Remember a finished dbt step (its fingerprint and whether it was a full refresh)."""
    conn.execute(f"create table if not exists {TABLE} (fingerprint varchar, full_refresh boolean, reason varchar, "
                 "finished_at timestamp)")
    conn.execute(f"insert into {TABLE} values (?, ?, ?, current_timestamp::timestamp)",
                 [decision.fingerprint, decision.full_refresh, decision.reason])
