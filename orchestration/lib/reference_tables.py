"""Seller-editable reference tables in seeds/reference/: their rules, in one place.

Each table is a documented template a seller edits (FX rates, product map, unit costs,
fee schedule). `validate_reference_table` checks one file with Great Expectations and
returns it typed, or raises `ValidationFailed` naming the file, row and rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import great_expectations as gx
import pandas as pd

from orchestration import settings
from orchestration.lib.article_registry import read_csv_text
from orchestration.lib.gx_validation import ValidationFailed, Violation, run_suite

E = gx.expectations


@dataclass(frozen=True)
class ReferenceTable:
    name: str                       # file stem and raw table name
    required: list[str]             # columns that must exist and be non-empty
    key: list[str]                  # unique together
    numeric: list[str] = field(default_factory=list)      # parsed as numbers, must be >= 0
    optional_numeric: list[str] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)      # columns that may be empty or absent (loaded empty)
    regexes: dict[str, str] = field(default_factory=dict)
    folder: str = "reference"       # seeds/<folder>/<name>.csv

    @property
    def path(self) -> Path:
        return settings.SEEDS_DIR / self.folder / f"{self.name}.csv"

    @property
    def repo_path(self) -> str:
        return f"seeds/{self.folder}/{self.name}.csv"

    @property
    def raw_table(self) -> str:
        return f"raw.{self.name}"


REFERENCE_TABLES: dict[str, ReferenceTable] = {
    t.name: t
    for t in [
        ReferenceTable(
            name="fx_rates",
            required=["currency", "year", "usd_per_unit", "rate_type", "source"],
            key=["currency", "year", "rate_type"],
            numeric=["usd_per_unit"],
            regexes={"currency": r"^[A-Z]{3}$", "year": r"^\d{4}$"},
        ),
        ReferenceTable(
            name="product_map",
            required=["product_id", "product_name"],
            key=["product_id"],
            # category may be left empty when a product type places the product (int_products_categorized).
            optional=["category", "tiktok_sku_id", "tiktok_seller_sku", "tiktok_product_id", "asin", "shopify_sku",
                      "amazon_product_type", "shopify_product_type"],
            regexes={"asin": r"^B0[0-9A-Z]{8}$", "tiktok_sku_id": r"^\d{15,20}$",
                     "category": r"^[a-z][a-z0-9_]*$"},
        ),
        ReferenceTable(
            name="unit_costs",
            required=["product_id", "valid_from", "unit_cogs_usd", "source"],
            key=["product_id", "valid_from"],
            numeric=["unit_cogs_usd"],
            optional_numeric=["tiktok_fbs_fulfilment_usd", "tiktok_fbt_fulfilment_usd", "amazon_fba_fulfilment_usd",
                              "amazon_fbm_fulfilment_usd", "shopify_fulfilment_usd"],
            regexes={"valid_from": r"^\d{4}-\d{2}-\d{2}$"},
        ),
        ReferenceTable(
            name="fee_schedule",
            required=["channel", "fee_type", "basis", "valid_from", "source"],
            key=["channel", "fee_type", "valid_from", "category"],
            optional_numeric=["rate", "fixed_usd"],
            regexes={"valid_from": r"^\d{4}-\d{2}-\d{2}$"},
        ),
        ReferenceTable(
            name="category_taxonomy",
            required=["category_id", "category_name", "category_name_zh", "tiktok_shop_categories", "article_terms",
                      "definition", "source"],
            key=["category_id"],
            regexes={"category_id": r"^[a-z][a-z0-9_]*$"},
        ),
        # Read in the articles, so it lives beside the registry; its claim ids are checked by dbt
        # (assert_category_signal_claims_exist) against the loaded registry.
        ReferenceTable(
            name="category_signals",
            folder="articles",
            required=["signal_id", "category_id", "source_id", "locator", "article_term", "signal", "geography",
                      "period", "attributed_to"],
            key=["signal_id"],
            regexes={"source_id": r"^s\d{3}$", "locator": r"^p\d+$"},
        ),
    ]
}


def reference_suite(spec: ReferenceTable) -> list:
    suite = [E.ExpectColumnValuesToNotBeNull(column=c) for c in spec.required]
    if spec.key:
        suite.append(E.ExpectCompoundColumnsToBeUnique(column_list=spec.key) if len(spec.key) > 1
                     else E.ExpectColumnValuesToBeUnique(column=spec.key[0]))
    for col in spec.numeric + spec.optional_numeric:
        suite.append(E.ExpectColumnValuesToBeNull(column=f"{col}__not_a_number"))
        suite.append(E.ExpectColumnValuesToBeBetween(column=col, min_value=0))
    for col, regex in spec.regexes.items():
        suite.append(E.ExpectColumnValuesToMatchRegex(column=col, regex=regex))
    return suite


def validate_reference_table(spec: ReferenceTable, path: Path | None = None) -> pd.DataFrame:
    path = path or spec.path
    label = str(path.relative_to(settings.REPO_ROOT)) if path.is_relative_to(settings.REPO_ROOT) else str(path)
    frame = read_csv_text(path)
    missing = [c for c in spec.required + spec.key + spec.numeric if c not in frame.columns]
    if missing:
        raise ValidationFailed([Violation(label, None, "required columns present", f"missing column {c!r}")
                                for c in dict.fromkeys(missing)])
    checked = frame.copy()
    for col in spec.optional:
        if col not in checked.columns:  # an older template without the column: loaded as empty
            checked[col] = None
    for col in spec.numeric + spec.optional_numeric:
        if col not in checked.columns:
            continue
        as_number = pd.to_numeric(checked[col], errors="coerce")
        checked[f"{col}__not_a_number"] = checked[col].where(as_number.isna() & checked[col].notna(), None)
        checked[col] = as_number
    violations = run_suite(checked, reference_suite(spec), file_label=label, suite_name=spec.name)
    if violations:
        raise ValidationFailed(violations)
    return checked[[c for c in checked.columns if not c.endswith("__not_a_number")]]
