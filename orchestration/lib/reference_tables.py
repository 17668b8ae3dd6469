"""Reference tables and the seller's catalogue: their rules, in one place.

Two homes (ARCHITECTURE.md, "three kinds of data"): public reference data shipped in seeds/ and the
same for every seller (FX rates, the category taxonomy, each platform's published default fees, the
articles' category signals), and the seller's own catalogue under $TSW_HOME/catalogue/ (products,
cost changes, fee overrides) — every catalogue file optional, because products are discovered from
the exports. `validate_reference_table` checks one file with Great Expectations and returns it typed,
or raises `ValidationFailed` naming the file, row and rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from orchestration import settings
from orchestration.lib.article_registry import read_csv_text
from orchestration.quality.violations import ValidationFailed, Violation


@dataclass(frozen=True)
class ReferenceTable:
    name: str                       # raw table name (raw.<name>)
    required: list[str]             # columns that must exist and be non-empty
    key: list[str]                  # unique together
    numeric: list[str] = field(default_factory=list)      # parsed as numbers, must be >= 0
    optional_numeric: list[str] = field(default_factory=list)
    optional: list[str] = field(default_factory=list)      # columns that may be empty or absent (loaded empty)
    regexes: dict[str, str] = field(default_factory=dict)
    folder: str = "reference"       # seeds/<folder>/<file>.csv, or the seller's catalogue folder
    file: str | None = None         # file stem when it differs from the table name
    # "seeds": public reference data shipped with the code, the same for every seller.
    # "catalogue": the seller's own file under $TSW_HOME/catalogue/; optional (absent = no rows).
    home: str = "seeds"
    # Columns whose values must be category ids of the taxonomy (checked against seeds/reference).
    category_columns: list[str] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return f"{self.file or self.name}.csv"

    @property
    def path(self) -> Path:
        if self.home == "catalogue":
            return settings.catalogue_dir() / self.file_name
        return settings.SEEDS_DIR / self.folder / self.file_name

    @property
    def repo_path(self) -> str:
        """How a message names the file: seeds/… for shipped data, catalogue/… for the seller's."""
        if self.home == "catalogue":
            return f"catalogue/{self.file_name}"
        return f"seeds/{self.folder}/{self.file_name}"

    @property
    def raw_table(self) -> str:
        return f"raw.{self.name}"

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(self.required + self.key + self.optional + self.numeric + self.optional_numeric))


# Identifier columns of the catalogue may hold several codes separated by "|" (two codes merged into one
# product); each code is matched case- and whitespace-insensitively (int_catalogue__product_codes).
def _codes(one: str) -> str:
    return rf"^{one}(?:\s*\|\s*{one})*$"


COST_COLUMNS = ["unit_cogs_usd", "tiktok_fbs_fulfilment_usd", "tiktok_fbt_fulfilment_usd", "amazon_fba_fulfilment_usd",
                "amazon_fbm_fulfilment_usd", "shopify_fulfilment_usd"]
PRODUCT_CODE_COLUMNS = ["seller_sku", "tiktok_seller_sku", "tiktok_sku_id", "tiktok_product_id", "amazon_sku", "asin",
                        "shopify_sku"]
FEE_COLUMNS = ["channel", "fee_type", "basis", "rate", "fixed_usd", "valid_from", "category", "min_item_price_usd",
               "max_item_price_usd", "size_tier", "source", "source_date"]
CHANNELS_REGEX = r"^(?:tiktok_shop|amazon|shopify)$"
FEE_TYPES_REGEX = (r"^(?:referral|referral_minimum|payment_processing|subscription|affiliate_commission|"
                   r"fba_fulfilment)$")
FEE_BASES_REGEX = r"^(?:share_of_sale|per_unit|per_order|per_month)$"
DATE_REGEX = r"^\d{4}-\d{2}-\d{2}$"

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
        # Each platform's published default fees, with source and date: what a seller with no fee
        # overrides is charged (seeds/reference/README.md lists the rate cards used).
        ReferenceTable(
            name="platform_fees",
            required=["channel", "fee_type", "basis", "valid_from", "source", "source_date"],
            key=["channel", "fee_type", "valid_from", "category", "min_item_price_usd", "size_tier"],
            optional=["category", "size_tier"],
            optional_numeric=["rate", "fixed_usd", "min_item_price_usd", "max_item_price_usd"],
            regexes={"channel": CHANNELS_REGEX, "fee_type": FEE_TYPES_REGEX, "basis": FEE_BASES_REGEX,
                     "valid_from": DATE_REGEX, "source_date": DATE_REGEX},
            category_columns=["category"],
        ),
        ReferenceTable(
            name="category_taxonomy",
            required=["category_id", "category_name", "category_name_zh", "tiktok_shop_categories", "article_terms",
                      "definition", "source"],
            key=["category_id"],
            optional=["amazon_product_types", "shopify_product_types"],
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
        # ---- the seller's catalogue ($TSW_HOME/catalogue/), all optional: products are discovered from
        # the exports, these files only override or extend (seeds/reference/README.md#the-sellers-catalogue).
        ReferenceTable(
            name="catalogue_products",
            file="products",
            home="catalogue",
            required=["product_id"],
            key=["product_id"],
            optional=["product_name", "category", *PRODUCT_CODE_COLUMNS, "amazon_product_type",
                      "shopify_product_type", "amazon_size_tier", "costs_valid_from", "notes"],
            optional_numeric=COST_COLUMNS,
            regexes={"asin": _codes("B0[0-9A-Z]{8}"), "tiktok_sku_id": _codes(r"\d{15,20}"),
                     "tiktok_product_id": _codes(r"\d{15,20}"), "category": r"^[a-z][a-z0-9_]*$",
                     "costs_valid_from": DATE_REGEX},
            category_columns=["category"],
        ),
        ReferenceTable(
            name="catalogue_cost_changes",
            file="cost_changes",
            home="catalogue",
            required=["product_id", "valid_from"],
            key=["product_id", "valid_from"],
            optional=["source"],
            optional_numeric=COST_COLUMNS,
            regexes={"valid_from": DATE_REGEX},
        ),
        ReferenceTable(
            name="catalogue_fees",
            file="fees",
            home="catalogue",
            required=["channel", "fee_type", "basis", "valid_from"],
            key=["channel", "fee_type", "valid_from", "category", "min_item_price_usd", "size_tier"],
            optional=["category", "size_tier", "source", "source_date"],
            optional_numeric=["rate", "fixed_usd", "min_item_price_usd", "max_item_price_usd"],
            regexes={"channel": CHANNELS_REGEX, "fee_type": FEE_TYPES_REGEX, "basis": FEE_BASES_REGEX,
                     "valid_from": DATE_REGEX},
            category_columns=["category"],
        ),
    ]
}
CATALOGUE_TABLES = {name: t for name, t in REFERENCE_TABLES.items() if t.home == "catalogue"}


def taxonomy_ids() -> list[str]:
    """Category ids of the shipped taxonomy (the values a catalogue's `category` may take)."""
    spec = REFERENCE_TABLES["category_taxonomy"]
    return sorted(read_csv_text(spec.path)["category_id"].dropna())


def empty_frame(spec: ReferenceTable) -> pd.DataFrame:
    """A table with the spec's columns and no rows: what an absent (optional) catalogue file loads as."""
    numeric = set(spec.numeric + spec.optional_numeric)
    return pd.DataFrame({c: pd.Series([], dtype="float64" if c in numeric else "object") for c in spec.columns})


def file_label(path: Path) -> str:
    """The file as a seller or developer recognises it: seeds/… in the checkout, catalogue/… in the home."""
    for root in (settings.REPO_ROOT, settings.tsw_home()):
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return str(path)


def catalogue_source(spec: ReferenceTable) -> Path | None:
    """The file a catalogue table is read from: the CSV or its .xlsx copy, whichever was saved last
    (a seller who edits the workbook in Excel need not export it back to CSV); None when neither exists."""
    candidates = [p for p in (spec.path, spec.path.with_suffix(".xlsx")) if p.exists()]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p.stat().st_mtime_ns, p.suffix == ".csv"))


def read_table_file(path: Path) -> pd.DataFrame:
    """Every cell as text, empty cells as None — from a CSV or the first sheet of an .xlsx."""
    if path.suffix.lower() == ".xlsx":
        frame = pd.read_excel(path, dtype=str, keep_default_na=False, sheet_name=0).fillna("")
        frame.columns = [str(c).strip() for c in frame.columns]
        frame = frame.apply(lambda col: col.astype(str).str.strip())
        return frame.astype(object).where(frame != "", None)
    return read_csv_text(path)


def read_catalogue_frame(spec: ReferenceTable) -> pd.DataFrame | None:
    source = catalogue_source(spec)
    return None if source is None else read_table_file(source)


def validate_reference_table(spec: ReferenceTable, path: Path | None = None, *,
                             label: str | None = None) -> pd.DataFrame:
    if path is None and spec.home == "catalogue":
        path = catalogue_source(spec)
        if path is None:  # the seller has not written this file: no rows
            return empty_frame(spec)
    path = path or spec.path
    label = label or file_label(path)
    frame = read_table_file(path)
    missing = [c for c in spec.required + spec.key + spec.numeric if c not in frame.columns
               and c not in spec.optional]
    if missing:
        raise ValidationFailed([Violation(label, None, "required columns present", f"missing column {c!r}")
                                for c in dict.fromkeys(missing)])
    checked = frame.copy()
    for col in spec.optional + spec.optional_numeric:
        if col not in checked.columns:  # an older template without the column: loaded as empty
            checked[col] = None
    for col in spec.numeric + spec.optional_numeric:
        as_number = pd.to_numeric(checked[col], errors="coerce")
        checked[f"{col}__not_a_number"] = checked[col].where(as_number.isna() & checked[col].notna(), None)
        checked[col] = as_number.astype("float64")
    if checked.empty:  # headers only: nothing to check
        return empty_frame(spec)
    categories = taxonomy_ids() if spec.category_columns else None
    from orchestration.quality.gx import run_suite  # GX: imported when a file is validated
    from orchestration.quality.suites import reference_suite

    violations = run_suite(checked, reference_suite(spec, categories), file_label=label, suite_name=spec.name)
    if violations:
        raise ValidationFailed(violations)
    return checked[[c for c in checked.columns if not c.endswith("__not_a_number")]]
