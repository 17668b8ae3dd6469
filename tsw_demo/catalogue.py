"""The demo seller's catalogue, written into its home exactly as a seller would write theirs.

`tsw demo` writes $TSW_HOME/catalogue/products.csv (identity codes, category, unit costs from the start)
and cost_changes.csv (the October 2025 tariff rise) for the demo world; nothing of the demo seller lives in
the repo. A real seller's catalogue has the same columns (seeds/reference/README.md#the-sellers-catalogue)
and is usually started with `tsw catalogue`. Fees are not the demo's: they come from the platform rate
cards in seeds/reference/platform_fees.csv, as for any seller without fee overrides.

Usage: python -m tsw_demo.catalogue [--seed 7] [--out $TSW_HOME/catalogue]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

COST_SOURCE = "demo seller supplier invoices (fictional; replace with your own landed cost)"
FULFIL_SOURCE = ("approximate 2025 US rates by weight tier: FBA and FBT per-unit fees, own-warehouse "
                 "pick-and-pack plus USPS Ground Advantage postage (editable)")
TARIFF_FROM = "2025-10-01"


def _fba_fee(kg: float) -> float:
    """Amazon FBA fulfilment fee per unit, standard size, approximate 2025 US tiers."""
    for limit, fee in ((0.11, 3.22), (0.23, 3.40), (0.34, 3.58), (0.45, 3.77), (0.68, 4.52), (0.91, 4.98),
                       (1.36, 5.65), (2.27, 6.39), (4.54, 7.80), (9.07, 9.79)):
        if kg <= limit:
            return fee
    return 12.50


def _fbt_fee(kg: float) -> float:
    """TikTok Shop Fulfilled by TikTok per-unit fee, approximate 2025 US tiers."""
    for limit, fee in ((0.23, 3.58), (0.45, 3.98), (0.91, 4.58), (1.36, 5.28), (2.27, 6.18), (4.54, 7.68)):
        if kg <= limit:
            return fee
    return 10.90


def _own_warehouse_fee(kg: float) -> float:
    """Pick-and-pack ($1.75) plus postage by weight for orders the seller ships itself."""
    for limit, postage in ((0.11, 4.10), (0.23, 4.75), (0.45, 5.80), (0.91, 7.40), (2.27, 10.20), (4.54, 14.60)):
        if kg <= limit:
            return round(1.75 + postage, 2)
    return round(1.75 + 22.00, 2)


# Two demo products are placed by their platform product type instead of a written category, as a seller
# who copies types from Seller Central or Shopify admin would: the warehouse must still put them in their
# true category (int_products_categorized). Keyed by product name: (Amazon product type, Shopify product type).
PLACED_BY_PRODUCT_TYPE = {
    "Wrap Midi Dress": ("DRESS", ""),
    "Portable Mini Blender": ("", "Kitchen"),
}


COST_COLUMNS = ["unit_cogs_usd", "tiktok_fbs_fulfilment_usd", "tiktok_fbt_fulfilment_usd", "amazon_fba_fulfilment_usd",
                "amazon_fbm_fulfilment_usd", "shopify_fulfilment_usd"]


def _costs(p, cogs: float) -> dict:
    kg = float(p["weight_kg"])
    return {
        "unit_cogs_usd": cogs,
        "tiktok_fbs_fulfilment_usd": _own_warehouse_fee(kg), "tiktok_fbt_fulfilment_usd": _fbt_fee(kg),
        "amazon_fba_fulfilment_usd": _fba_fee(kg), "amazon_fbm_fulfilment_usd": _own_warehouse_fee(kg),
        "shopify_fulfilment_usd": _own_warehouse_fee(kg),
    }


def products_csv(products: pd.DataFrame, unmapped: str) -> pd.DataFrame:
    """One row per declared product. The demo's TikTok and Amazon SKU codes are the same (`seller_sku`);
    its Shopify store uses other codes, declared in `shopify_sku` — as many real sellers' stores do."""
    p = products[products["product_id"] != unmapped]
    typed = p["product_name"].map(PLACED_BY_PRODUCT_TYPE)
    by_type = typed.notna()
    rows = []
    for (_, row), placed, t in zip(p.iterrows(), by_type, typed):
        rows.append({
            "product_id": row["product_id"], "product_name": row["product_name"],
            "category": "" if placed else row["category"],
            "seller_sku": row["seller_sku"], "tiktok_seller_sku": "", "tiktok_sku_id": row["tiktok_sku_id"],
            "tiktok_product_id": row["tiktok_product_id"], "amazon_sku": "", "asin": row["asin"],
            "shopify_sku": row["shopify_sku"],
            "amazon_product_type": t[0] if placed else "", "shopify_product_type": t[1] if placed else "",
            "amazon_size_tier": "", "costs_valid_from": "",
            **_costs(row, float(row["unit_cogs_usd"])),
            "notes": COST_SOURCE,
        })
    return pd.DataFrame(rows)


def cost_changes_csv(products: pd.DataFrame, unmapped: str, seed: int) -> pd.DataFrame:
    """A third of the catalogue got dearer in October 2025 (new tariff on the supplier's country): a row
    with a later valid_from, so cost lookups must be time-aware."""
    rng = np.random.default_rng([seed, 202])
    rows = []
    for _, p in products.iterrows():
        if rng.random() < 1 / 3 and p["product_id"] != unmapped:
            rows.append({"product_id": p["product_id"], "valid_from": TARIFF_FROM,
                         **_costs(p, round(float(p["unit_cogs_usd"]) * 1.12, 2)),
                         "source": COST_SOURCE + "; +12% tariff from 2025-10-01"})
    return pd.DataFrame(rows, columns=["product_id", "valid_from", *COST_COLUMNS, "source"])


def build(seed: int = 7, days: int = 400) -> dict[str, pd.DataFrame]:
    from tsw_demo.generate import demo_products, unmapped_product_id
    from tsw_demo.world import WorldConfig, simulate_world

    products = demo_products(simulate_world(WorldConfig(seed=seed, days=days)))
    unmapped = unmapped_product_id(products)
    return {
        "products.csv": products_csv(products, unmapped),
        "cost_changes.csv": cost_changes_csv(products, unmapped, seed),
    }


def write(out_dir: Path, seed: int = 7) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in build(seed).items():
        path = out_dir / name
        df.to_csv(path, index=False, lineterminator="\n")
        paths.append(path)
    return paths


def main() -> None:
    from orchestration import settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    for p in write(args.out or settings.catalogue_dir(), args.seed):
        print(p)


if __name__ == "__main__":
    main()
