"""benchmarks/results.py: a script rewrites only its own section of RESULTS.md."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "bench_results", Path(__file__).resolve().parents[2] / "benchmarks" / "results.py")
R = importlib.util.module_from_spec(_spec)
sys.modules["bench_results"] = R  # dataclasses look their module up
_spec.loader.exec_module(R)


def test_a_section_is_replaced_and_the_others_kept(tmp_path):
    path = tmp_path / "RESULTS.md"
    R.write_section("pages", "first pages", path)
    R.write_section("pandas", "pandas figures", path)
    R.write_section("pages", "second pages", path)
    text = path.read_text(encoding="utf-8")
    assert "second pages" in text and "first pages" not in text and "pandas figures" in text
    assert text.count("<!-- bench:pages -->") == 1
    assert text.index("<!-- bench:pages -->") < text.index("<!-- bench:pandas -->")  # the skeleton's order
    assert "Not measured yet." in text  # the sections nobody wrote


def test_an_unknown_section_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown section"):
        R.write_section("nope", "x", tmp_path / "RESULTS.md")
