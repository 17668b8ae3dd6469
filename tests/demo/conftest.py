"""One full demo per test session (about 20 s), shared by the file-level tests."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from orchestration.demo.generate import generate_demo


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "inbox"
    manifest = generate_demo(out, seed=7, days=400)
    return manifest


@pytest.fixture(scope="session")
def truth(demo):
    return json.loads((demo.truth_dir / "ground_truth.json").read_text(encoding="utf-8"))


def read_tiktok_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def export_time(name: str) -> datetime:
    """`All order-2025-03-02-09_55.csv` -> 2025-03-02 09:55 (the platform's export stamp)."""
    stamp = name.split("-", 1)[1].rsplit(".", 1)[0]
    return datetime.strptime(stamp, "%Y-%m-%d-%H_%M")
