"""A new seller's marts.mart_channel_daily, small and realistic, for the thin-data spillover tests."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd


def mart_rows(
    days: int, *, tiktok: bool = True, amazon: bool = True, shopify: bool = True, seed: int = 0
) -> pd.DataFrame:
    """mart_channel_daily rows for two products promoted on TikTok (category beauty_personal_care) and one
    never promoted: product grain for all three, category and 'all' grains for the promoted ones.

    A seller without TikTok sales has no promoted product, so no category / 'all' rows (as in dbt)."""
    rng = np.random.default_rng(seed)
    start = date(2026, 11, 1)
    rows = []
    for d in range(days):
        day = start + timedelta(days=d)
        for product, promoted in (("serum", True), ("mask", True), ("brush", False)):
            rows.append(
                {
                    "date_day": day,
                    "grain": "product",
                    "product_group": product,
                    "promoted": promoted and tiktok,
                    "tiktok_gmv_usd": float(rng.poisson(6) * 24.0) if (tiktok and promoted) else 0.0,
                    "tiktok_video_impressions": float(rng.poisson(900)) if (tiktok and promoted) else 0.0,
                    "tiktok_live_views": 0.0,
                    "amazon_sales_usd": float(rng.poisson(3) * 19.99) if amazon else 0.0,
                    "shopify_sales_usd": float(rng.poisson(2) * 22.0) if shopify else 0.0,
                    "is_prime_day": False,
                    "is_bfcm": day == date(2026, 11, 27),
                    "promo_share": 0.0,
                    "stockout_share": 0.0,
                }
            )
    products = pd.DataFrame(rows)
    if products.empty:
        return products
    controls = (
        products[~products["promoted"]]
        .groupby("date_day")[["amazon_sales_usd", "shopify_sales_usd"]]
        .sum()
        .rename(columns=lambda c: c.replace("_sales_usd", "_control_sales_usd"))
    )
    promoted = products[products["promoted"]]
    value_cols = ["tiktok_gmv_usd", "tiktok_video_impressions", "tiktok_live_views", "amazon_sales_usd",
                  "shopify_sales_usd", "promo_share", "stockout_share"]
    flags = ["is_prime_day", "is_bfcm"]
    grouped = []
    if not promoted.empty:
        summed = promoted.groupby("date_day")[value_cols].sum()
        summed[flags] = promoted.groupby("date_day")[flags].max()
        for grain, group in (("category", "beauty_personal_care"), ("all", "all")):
            grouped.append(summed.reset_index().assign(grain=grain, product_group=group))
    out = pd.concat([products.drop(columns="promoted"), *grouped], ignore_index=True)
    out = out.merge(controls.reset_index(), on="date_day", how="left")
    if not (~products["promoted"]).any():
        out[["amazon_control_sales_usd", "shopify_control_sales_usd"]] = np.nan
    return out


def write_mart(path, rows: pd.DataFrame) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute(
            "create table marts.mart_channel_daily (date_day date, grain varchar, product_group varchar, "
            "tiktok_gmv_usd double, tiktok_video_impressions double, tiktok_live_views double, "
            "amazon_sales_usd double, shopify_sales_usd double, amazon_control_sales_usd double, "
            "shopify_control_sales_usd double, is_prime_day boolean, is_bfcm boolean, promo_share double, "
            "stockout_share double)"
        )
        if len(rows):
            con.register("rows_", rows)
            con.execute("insert into marts.mart_channel_daily by name select * from rows_")
