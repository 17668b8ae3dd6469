"""Build the editable reference seeds (seeds/reference/) for the demo seller's catalogue.

The committed CSVs are this module's output for seed 7; tests/demo regenerates them and fails if they
drift from the demo world. A real seller replaces the rows with their own catalogue, costs and fees
(seeds/reference/README.md explains the columns).

Usage: python -m orchestration.demo.reference_seeds [--seed 7] [--out seeds/reference]
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


def product_map(products: pd.DataFrame, unmapped: str) -> pd.DataFrame:
    p = products[products["product_id"] != unmapped]
    typed = p["product_name"].map(PLACED_BY_PRODUCT_TYPE)
    by_type = typed.notna()
    return pd.DataFrame({
        "product_id": p["product_id"], "product_name": p["product_name"],
        "category": p["category"].where(~by_type, ""),
        "tiktok_sku_id": p["tiktok_sku_id"], "tiktok_seller_sku": p["seller_sku"],
        "tiktok_product_id": p["tiktok_product_id"], "asin": p["asin"], "shopify_sku": p["shopify_sku"],
        "amazon_product_type": typed.map(lambda t: t[0] if isinstance(t, tuple) else ""),
        "shopify_product_type": typed.map(lambda t: t[1] if isinstance(t, tuple) else ""),
    })


def unit_costs(products: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng([seed, 202])
    rows = []
    for _, p in products.iterrows():
        kg = float(p["weight_kg"])
        base = {
            "product_id": p["product_id"],
            "tiktok_fbs_fulfilment_usd": _own_warehouse_fee(kg), "tiktok_fbt_fulfilment_usd": _fbt_fee(kg),
            "amazon_fba_fulfilment_usd": _fba_fee(kg), "amazon_fbm_fulfilment_usd": _own_warehouse_fee(kg),
            "shopify_fulfilment_usd": _own_warehouse_fee(kg),
        }
        rows.append({**base, "unit_cogs_usd": float(p["unit_cogs_usd"]), "valid_from": "2025-01-01",
                     "source": COST_SOURCE})
        # A third of the catalogue got dearer in October 2025 (new tariff on the supplier's country):
        # a second row with a later valid_from, so cost lookups must be time-aware.
        if rng.random() < 1 / 3:
            rows.append({**base, "unit_cogs_usd": round(float(p["unit_cogs_usd"]) * 1.12, 2),
                         "valid_from": TARIFF_FROM, "source": COST_SOURCE + "; +12% tariff from 2025-10-01"})
    cols = ["product_id", "valid_from", "unit_cogs_usd", "tiktok_fbs_fulfilment_usd", "tiktok_fbt_fulfilment_usd",
            "amazon_fba_fulfilment_usd", "amazon_fbm_fulfilment_usd", "shopify_fulfilment_usd", "source"]
    return pd.DataFrame(rows)[cols].sort_values(["product_id", "valid_from"]).reset_index(drop=True)


def fee_schedule() -> pd.DataFrame:
    tt = "TikTok Shop US seller fee schedule as of 2025 (approximate; editable)"
    az = "Amazon.com referral fee schedule as of 2025 (approximate; editable)"
    sp = "Shopify Basic plan pricing as of 2025 (approximate; editable)"
    rows = [
        ("tiktok_shop", "referral", "share_of_sale", 0.06, 0.0, "2025-01-01", "", tt),
        ("tiktok_shop", "affiliate_commission", "share_of_sale", None, 0.0, "2025-01-01", "",
         "per order in the affiliate orders export (Standard commission rate); listed for completeness"),
        ("amazon", "referral", "share_of_sale", 0.15, 0.0, "2025-01-01", "", az),
        ("amazon", "referral", "share_of_sale", 0.17, 0.0, "2025-01-01", "womenswear", az + "; clothing"),
        ("amazon", "referral_minimum", "per_unit", None, 0.30, "2025-01-01", "", az),
        ("amazon", "subscription", "per_month", None, 39.99, "2025-01-01", "", "Amazon Professional selling plan"),
        ("shopify", "payment_processing", "share_of_sale", 0.029, 0.30, "2025-01-01", "", sp + "; online card rate"),
        ("shopify", "subscription", "per_month", None, 39.00, "2025-01-01", "", sp),
    ]
    return pd.DataFrame(rows, columns=["channel", "fee_type", "basis", "rate", "fixed_usd", "valid_from", "category",
                                       "source"])


def build(seed: int = 7, days: int = 400) -> dict[str, pd.DataFrame]:
    from orchestration.demo.generate import demo_products, unmapped_product_id
    from orchestration.demo.world import WorldConfig, simulate_world

    products = demo_products(simulate_world(WorldConfig(seed=seed, days=days)))
    return {
        "product_map.csv": product_map(products, unmapped_product_id(products)),
        "unit_costs.csv": unit_costs(products, seed),
        "fee_schedule.csv": fee_schedule(),
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
    ap.add_argument("--out", type=Path, default=settings.REFERENCE_SEEDS_DIR)
    args = ap.parse_args()
    for p in write(args.out, args.seed):
        print(p)


if __name__ == "__main__":
    main()
