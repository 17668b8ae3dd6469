"""What a seller does today: monthly category revenue from the TikTok Shop order exports with plain pandas.

    python benchmarks/pandas_baseline.py FOLDER [--out revenue.csv]

The straightforward script a seller (or their analyst) writes: read every `All order-*.csv` (and the
`.xlsx` ones) in FOLDER, keep each order line once (the newest export wins, since exports overlap), drop
cancelled lines, and sum list value minus seller discounts by month of `Created Time` and `Product Category`.
That is the warehouse's `net_sales_usd` of `marts.mart_category_performance` for TikTok Shop, so
`bench_pandas.py` can check both give the same monthly totals. Prints one CSV (month, category, net sales).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

COLUMNS = ["Order ID", "SKU ID", "Order Status", "Product Category", "SKU Subtotal Before Discount",
           "SKU Seller Discount", "Created Time"]


def read_export(path: Path) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        df = pd.read_excel(path, sheet_name=0, dtype=str, usecols=COLUMNS, engine="calamine").iloc[1:]  # row 2: help
    else:
        df = pd.read_csv(path, dtype=str, usecols=COLUMNS, encoding="utf-8-sig")
    df = df.apply(lambda s: s.str.strip())
    df["exported"] = path.stem.removeprefix("All order-")  # the export time, YYYY-MM-DD-HH_MM: sorts as text
    return df


def monthly_category_revenue(folder: Path) -> pd.DataFrame:
    files = sorted(folder.glob("All order-*.csv")) + sorted(folder.glob("All order-*.xlsx"))
    if not files:
        raise SystemExit(f"no TikTok Shop order exports (All order-*.csv / .xlsx) in {folder}")
    lines = pd.concat([read_export(f) for f in files], ignore_index=True)
    lines = lines.sort_values("exported").drop_duplicates(["Order ID", "SKU ID"], keep="last")
    lines = lines[lines["Order Status"] != "Cancelled"]
    net = pd.to_numeric(lines["SKU Subtotal Before Discount"]) - pd.to_numeric(lines["SKU Seller Discount"])
    month = pd.to_datetime(lines["Created Time"], format="%m/%d/%Y %I:%M:%S %p").dt.strftime("%Y-%m")
    out = (pd.DataFrame({"month": month, "category": lines["Product Category"], "net_sales_usd": net})
           .groupby(["month", "category"], as_index=False)["net_sales_usd"].sum())
    out["net_sales_usd"] = out["net_sales_usd"].round(2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    result = monthly_category_revenue(args.folder)
    if args.out:
        result.to_csv(args.out, index=False)
    else:
        result.to_csv(sys.stdout, index=False)


if __name__ == "__main__":
    main()
