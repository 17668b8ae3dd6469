"""The archive is the source of truth: sidecars keep what names carried, copies are verified, a rebuild
reloads the same rows."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.ingest import ingest_paths
from orchestration.ingest.archive import archived_files, reload_archive
from orchestration.ingest.readers import file_sha256

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
# Names that carry what the content does not: a Business Report's period, TikTok export times (the later export of
# the same orders wins in staging), plus one period only given on the command line.
NAMED = ["amazon/BusinessReport-10-1-25_10-31-25.csv", "tiktok/All order-2025-10-31-09_15.csv",
         "tiktok/All order-2025-11-01-08_00.xlsx", "tiktok/Video List 2025-10-01_2025-10-31.xlsx",
         "amazon/All Orders Report 2025-10.txt", "shopify/orders_export_1.csv"]
EXPLICIT = "amazon/BusinessReport-11-3-25.csv"
SKIP = {"_batch_id", "_loaded_at"}


def _drop(rel: str) -> Path:
    settings.inbox_dir().mkdir(parents=True, exist_ok=True)
    target = settings.inbox_dir() / Path(rel).name
    shutil.copyfile(FIXTURES / rel, target)
    return target


def _raw_tables(warehouse: Path) -> dict[str, list]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        tables = [t for (t,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' AND table_name NOT LIKE '\\_%' ESCAPE '\\'"
        ).fetchall()]
        out = {}
        for t in tables:
            cols = [c for (c,) in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = ? "
                "ORDER BY ordinal_position", [t]).fetchall() if c not in SKIP]
            listed = ", ".join(f'"{c}"' for c in cols)
            out[t] = conn.execute(f'SELECT {listed} FROM raw."{t}" ORDER BY ALL').fetchall()
        out["_load_log"] = conn.execute(
            "SELECT file_name, kind, sha256, status, rows_read, rows_loaded, rows_quarantined, period_start, period_end, "
            "exported_at, encoding FROM raw._load_log WHERE status = 'loaded' ORDER BY loaded_at").fetchall()
        out["_quarantined_rows"] = conn.execute(
            "SELECT file_name, kind, row_number, rule, reason, original_values FROM raw._quarantined_rows ORDER BY ALL"
        ).fetchall()
        return out


@pytest.mark.slow  # > 10 s on two cores (lanes: not in make test-unit)
def test_rebuild_from_the_archive_reloads_the_same_rows(home, tmp_path, monkeypatch):
    ingest_paths([_drop(r) for r in NAMED])
    ingest_paths([_drop(EXPLICIT)], period="2025-11-01..2025-11-30")
    original = _raw_tables(settings.warehouse_path())
    assert original["amazon_business_report"] and original["tiktok_orders"]

    sidecars = sorted(settings.archive_dir().glob("*.json"))
    assert len(sidecars) == len(NAMED) + 1
    meta = {m["original_name"]: m for m in (json.loads(p.read_text()) for p in sidecars)}
    assert meta["BusinessReport-11-3-25.csv"]["period_start"] == "2025-11-01"
    assert meta["All order-2025-11-01-08_00.xlsx"]["exported_at"] == "2025-11-01T08:00:00"
    assert not [p for p in settings.archive_dir().iterdir() if p.name.startswith(".")]  # no temporary copies left

    # A fresh home holding only the archive (what a backup restores).
    fresh = tmp_path / "restored"
    shutil.copytree(settings.archive_dir(), fresh / "archive")
    shutil.copytree(settings.secrets_dir(), fresh / "secrets")  # buyer keys are salted with the same salt
    monkeypatch.setenv("TSW_HOME", str(fresh))
    result = reload_archive()
    assert result.damaged == [] and all(r.status == "loaded" for r in result.results)
    assert _raw_tables(settings.warehouse_path()) == original

    # Rebuilding in place keeps the old warehouse aside and gives the same rows again.
    again = reload_archive()
    assert again.moved_aside is not None and again.moved_aside.exists()
    assert _raw_tables(settings.warehouse_path()) == original


@pytest.mark.slow  # 15 s in a loaded unit lane
def test_a_truncated_archive_copy_is_detected_and_repaired_not_called_a_duplicate(home):
    (first,) = ingest_paths([_drop(NAMED[1])])
    archived = Path(first.stored_as)
    good = archived.read_bytes()
    archived.write_bytes(good[: len(good) // 3])  # what a kill during a copy used to leave
    (item,) = archived_files()
    assert file_sha256(item.path) != item.sha256

    # Dropping the original again: the content is known (a duplicate load is a no-op), the copy is repaired.
    (second,) = ingest_paths([_drop(NAMED[1])])
    assert second.status == "duplicate"
    assert archived.read_bytes() == good
    assert not (settings.inbox_dir() / Path(NAMED[1]).name).exists()

    # With no good copy at hand, a rebuild names the damaged file instead of loading part of it.
    archived.write_bytes(good[: len(good) // 3])
    broken = reload_archive()
    assert broken.damaged == [archived.name] and "restore it from your backup" in " ".join(broken.lines())
    assert broken.results == []


@pytest.mark.slow  # a real file load through the whole ingest engine: 2.7 s in a loaded unit lane
def test_archive_copy_is_atomic_when_the_file_comes_from_elsewhere(home, tmp_path):
    outside = tmp_path / "downloads" / Path(NAMED[0]).name
    outside.parent.mkdir()
    shutil.copyfile(FIXTURES / NAMED[0], outside)
    (r,) = ingest_paths([outside])
    assert r.status == "loaded" and outside.exists()  # copied, the user's folder left as it was
    archived = Path(r.stored_as)
    assert file_sha256(archived) == r.content_sha256
    assert oct(os.stat(archived).st_mode)[-3:] != "000"
    assert not [p for p in settings.archive_dir().iterdir() if ".tmp-" in p.name]
