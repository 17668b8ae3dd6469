"""The file-level tests read the session's one demo (tests/conftest.py's `demo_source`, about 20 s)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo(demo_source):
    """The demo seller's files as generated (seed 7, 400 days); read-only."""
    return demo_source


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
