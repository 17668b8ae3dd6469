"""A file that is not an export gets a message for the seller: what its first row holds and which exports
are accepted (where to download them), not developer advice about YAML definitions."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


def test_non_export_file_message_talks_to_the_seller(tmp_path, monkeypatch):
    monkeypatch.setenv("TSW_HOME", str(tmp_path / "home"))
    from orchestration.ingest import ingest_paths

    source = tmp_path / "customer_list.csv"
    shutil.copyfile(FIXTURES / "rejects" / "customer_list.csv", source)
    (result,) = ingest_paths([source])
    assert result.status == "quarantined_file"
    message = result.message
    assert "customer_list.csv" in message and "not one of the exports" in message
    for where in ("TikTok Shop Seller Center > Orders > Export", "Shopify Admin > Orders > Export",
                  "Amazon Seller Central > Reports > Order Reports > All Orders"):
        assert where in message
    assert "YAML" not in message and "orchestration/" not in message


def test_the_message_says_what_the_first_row_holds_in_words(tmp_path):
    """No "[]" or Python list in a seller's message: known titles are named, other cells only counted."""
    from orchestration.ingest.errors import UnknownFormatError

    def holds(headers: list[str]) -> str:
        message = str(UnknownFormatError(tmp_path / "x.csv", headers))
        return message.split("Its first row holds ", 1)[1].split(". Accepted exports", 1)[0]

    assert holds(["a", "b"]).startswith("2 cells that match no known header (not shown")
    assert holds(["Jane Doe"]).startswith("1 cell that matches no known header")
    assert holds(["Order ID", "Jane Doe"]).startswith("the column titles 'Order ID' and 1 other cell that matches")
    assert holds(["Order ID", "SKU ID"]) == "the column titles 'Order ID', 'SKU ID'"
    assert holds([]) == "no column titles (it is empty)"
    assert "[" not in holds(["a"]) + holds(["Order ID", "x"])
