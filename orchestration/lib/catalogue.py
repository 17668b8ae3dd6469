"""The seller's catalogue file: merge what the exports revealed into what the seller wrote, save atomically.

`tsw catalogue` and the Catalogue page both call `refreshed_products()` then `save_products()`:
every product discovered by the last published build (marts.dim_products) gets a row, every value the
seller already wrote is kept as written, and the `info_*` columns (what the warehouse found: category
rule, channels, units, cost status) are refreshed for reading — the loader ignores them.
Files: $TSW_HOME/catalogue/products.csv and products.xlsx (the same table, for Excel users). The build
reads whichever of the two was saved last (orchestration/lib/reference_tables.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

from orchestration import settings
from orchestration.lib.reference_tables import (
    REFERENCE_TABLES,
    read_catalogue_frame,
    validate_reference_table,
)

PRODUCTS = REFERENCE_TABLES["catalogue_products"]
INFO_COLUMNS = ["info_category_found", "info_category_rule", "info_channels_sold", "info_units_sold",
                "info_cost_status", "info_matched_by"]
EDITABLE_COLUMNS = PRODUCTS.columns


def products_path() -> Path:
    return settings.catalogue_dir() / PRODUCTS.file_name


def read_products() -> pd.DataFrame:
    """The seller's products as written (text cells; empty → ''), or an empty table with every column."""
    frame = read_catalogue_frame(PRODUCTS)
    if frame is None:
        frame = pd.DataFrame(columns=EDITABLE_COLUMNS)
    frame = frame.astype(object).where(frame.notna(), "")
    for col in EDITABLE_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    return frame


def discovered_products() -> pd.DataFrame | None:
    """dim_products of the last published build, or None when nothing is published yet."""
    from orchestration.lib import warehouse

    try:
        with warehouse.reader() as conn:
            return conn.execute("select * from marts.dim_products order by product_id").df()
    except (FileNotFoundError, duckdb.Error):  # no snapshot yet, or one from before products were discovered
        return None


def _code_columns(row: pd.Series) -> dict[str, str]:
    """Identity codes for a new catalogue row from what the exports showed."""
    pid = str(row["product_id"])
    codes = {"seller_sku": "", "tiktok_sku_id": "", "asin": "", "shopify_sku": ""}
    if pid.startswith("TIKTOK-"):
        codes["tiktok_sku_id"] = row.get("tiktok_sku_id") or ""
    elif pid.startswith("ASIN-"):
        codes["asin"] = row.get("asin") or ""
    elif pid.startswith("SHOPIFY-"):
        codes["shopify_sku"] = row.get("shopify_sku") or ""
    else:  # discovered by its seller SKU code: that code is the product
        codes["seller_sku"] = (row.get("tiktok_seller_sku") or row.get("amazon_seller_sku")
                               or row.get("shopify_sku") or pid)
    return {k: ("" if pd.isna(v) else str(v)) for k, v in codes.items()}


def refreshed_products(discovered: pd.DataFrame | None = None) -> tuple[pd.DataFrame, int]:
    """The seller's rows (kept as written) + a row per discovered product not yet in it; info refreshed.

    Returns the table and how many rows were added."""
    mine = read_products()
    discovered = discovered_products() if discovered is None else discovered
    added = 0
    if discovered is not None and not discovered.empty:
        known = set(mine["product_id"].astype(str))
        new_rows = []
        for _, row in discovered.iterrows():
            if str(row["product_id"]) in known:
                continue
            new = {c: "" for c in EDITABLE_COLUMNS}
            new.update({"product_id": str(row["product_id"]), "product_name": row.get("product_name") or ""})
            new.update(_code_columns(row))
            new_rows.append(new)
        if new_rows:
            mine = pd.concat([mine, pd.DataFrame(new_rows)], ignore_index=True)
            added = len(new_rows)
        info = discovered.set_index("product_id")
        def pick(col: str):
            return mine["product_id"].map(info[col]) if col in info.columns else ""
        mine["info_category_found"] = pick("category_id")
        mine["info_category_rule"] = pick("category_assigned_by")
        mine["info_channels_sold"] = pick("channels_sold")
        mine["info_units_sold"] = pick("units_sold")
        mine["info_cost_status"] = pick("cost_status")
        mine["info_matched_by"] = pick("matched_by")
    for col in INFO_COLUMNS:
        if col not in mine.columns:
            mine[col] = ""
    mine = mine[EDITABLE_COLUMNS + INFO_COLUMNS + [c for c in mine.columns
                                                   if c not in EDITABLE_COLUMNS + INFO_COLUMNS]]
    return mine.astype(object).where(mine.notna(), ""), added


def lacking_costs(frame: pd.DataFrame) -> int:
    """Products without a unit COGS (their margins read "cost missing")."""
    return int((frame["unit_cogs_usd"].astype(str).str.strip() == "").sum())


def save_products(frame: pd.DataFrame, *, xlsx: bool = True) -> Path:
    """Validate with the loader's own rules, then replace products.csv (and products.xlsx) atomically.

    Raises `ValidationFailed` (file, row, rule) and writes nothing when a cell breaks a rule."""
    folder = settings.catalogue_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = products_path()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    frame = frame.astype(object).where(frame.notna(), "")
    frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    try:
        validate_reference_table(PRODUCTS, tmp, label=str(target.relative_to(settings.tsw_home())))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if xlsx:
        xtmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp.xlsx")
        _write_xlsx(frame, xtmp)
    os.replace(tmp, target)
    if xlsx:
        # After the CSV, so the workbook is never older than the CSV it copies (the loader reads the newer).
        os.replace(xtmp, target.with_suffix(".xlsx"))
        os.utime(target, None)
    return target


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "products"
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        # Every cell as text, so Excel never turns a 19-digit TikTok id into 1.78E+18.
        ws.append(["" if v is None else str(v) for v in row])
    for col in ws.iter_cols(min_row=2):
        for cell in col:
            cell.number_format = "@"
    wb.save(path)
