"""Same files, same marts: `tsw rebuild` from the archive, and a clean build that loads the same exports in
the opposite order, give the session's demo build back row for row in every table of the marts schema
(facts, dimensions, every mart), cell for cell (doubles to a relative 1e-9)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.pipeline.snapshot_diff import mart_differences, mart_rows

pytestmark = pytest.mark.slow


def _restore_backup(built: Path, fresh: Path, folders=("archive", "catalogue", "secrets")) -> None:
    """What a backup holds: the archive, the seller's catalogue and the buyer salt. No warehouse, no inbox."""
    for folder in folders:
        if (built / folder).exists():
            shutil.copytree(built / folder, fresh / folder)


def test_rebuild_from_the_archive_gives_the_same_marts(built_warehouse, tmp_path, monkeypatch):
    from orchestration import settings
    from orchestration.build import run_full_build
    from orchestration.ingest.archive import reload_archive

    original = built_warehouse / "published.duckdb"
    rows = mart_rows(original)
    assert len(rows) > 10 and sum(rows.values()) > 10_000 and all(rows[t] for t in ("fct_order_lines", "dim_products"))

    fresh = tmp_path / "restored"
    _restore_backup(built_warehouse, fresh)
    monkeypatch.setenv("TSW_HOME", str(fresh))
    reloaded = reload_archive()
    assert reloaded.damaged == [] and reloaded.files == len(list((built_warehouse / "archive").glob("*.json")))
    assert {r.status for r in reloaded.results} == {"loaded"}
    result = run_full_build()
    assert result.success, "\n".join(result.summary_lines())
    assert mart_differences(settings.published_path(), original) == []


def test_a_clean_build_of_the_same_files_in_the_opposite_order_gives_the_same_marts(built_warehouse, tmp_path,
                                                                                     monkeypatch):
    """Which version of an order, a video-list row or a settlement line wins must not depend on the order the
    files were loaded in (nor on which of the database's threads finished first): every export is dropped into
    a fresh inbox under its original name, the last loaded first."""
    from orchestration import settings
    from orchestration.build import run_full_build
    from orchestration.ingest.archive import archived_files

    monkeypatch.setenv("TSW_HOME", str(built_warehouse))
    files = archived_files()
    assert len(files) > 100 and all(f.from_sidecar for f in files)
    assert len({f.original_name for f in files}) == len(files)

    fresh = tmp_path / "reversed"
    _restore_backup(built_warehouse, fresh, folders=("catalogue", "secrets"))
    inbox = fresh / "inbox"
    inbox.mkdir(parents=True)
    # The inbox loads oldest file first (by modification time): give the last-loaded file the oldest time.
    for i, item in enumerate(reversed(files)):
        target = inbox / item.original_name
        shutil.copyfile(item.path, target)
        os.utime(target, ns=(1_700_000_000_000_000_000 + i * 1_000_000_000,) * 2)
    monkeypatch.setenv("TSW_HOME", str(fresh))
    result = run_full_build()
    assert result.success, "\n".join(result.summary_lines())
    # The same files were loaded, each kind's in the opposite order.
    order = ("select kind, list(sha256 order by loaded_at) from {}raw._load_log where status = 'loaded' "
             "group by kind order by kind")
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as conn:
        conn.execute(f"attach '{built_warehouse / 'published.duckdb'}' as original (read_only)")
        now, before = (dict(conn.execute(order.format(db)).fetchall()) for db in ("", "original."))
    assert now == {kind: shas[::-1] for kind, shas in before.items()}
    assert mart_differences(settings.published_path(), built_warehouse / "published.duckdb") == []
