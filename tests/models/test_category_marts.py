"""Category marts on the real demo build: the seller's true return rates are recovered, no order,
unit or unmapped product is lost between the exports and the marts, and rates are recomputed from
their components at every level.

Uses the session fixture `built_warehouse` (tests/conftest.py): the demo seller written into a
temporary TSW_HOME and the full Dagster job run on it; the ground truth the demo files were drawn
from is in `<home>/demo_truth/`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(built_warehouse) -> Path:
    return built_warehouse


@pytest.fixture(scope="module")
def truth(home) -> dict:
    return json.loads((home / "demo_truth" / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def con(home):
    with duckdb.connect(str(home / "published.duckdb"), read_only=True) as connection:
        yield connection


def df(con, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def test_tiktok_return_rate_equals_what_the_files_show(con, truth):
    # Sku Quantity of return over units not cancelled, in each order's latest export: the mart must
    # land on the generator's own count, not merely near it.
    realised = truth["realised"]["tiktok"]
    got = df(
        con,
        """select sum(units_returned) as returned, sum(units_sold) as sold
                     from marts.mart_category_performance where channel = 'tiktok_shop'""",
    ).iloc[0]
    assert got["sold"] == realised["units_not_cancelled_visible"]
    assert got["returned"] == realised["returned_units_visible"]
    assert got["returned"] / got["sold"] == pytest.approx(realised["return_rate_visible"], abs=1e-9)


def test_shopify_returns_recovered_from_refunded_amounts(con, truth):
    # Shopify's export has no per-line return quantity; the mart derives it from each order's refunded
    # amount (a refund equal to one line's price plus tax is that line coming back).
    realised = truth["realised"]["shopify"]
    got = df(
        con,
        """select sum(units_returned) as returned, sum(units_sold) as sold
                     from marts.mart_category_performance where channel = 'shopify'""",
    ).iloc[0]
    assert got["returned"] == pytest.approx(realised["returned_units_own_visible"], abs=0.5)
    assert got["returned"] / got["sold"] == pytest.approx(realised["return_rate_own_visible"], abs=1e-4)


@pytest.mark.parametrize("channel, world_channel", [("tiktok_shop", "tiktok"), ("shopify", "shopify")])
def test_category_return_rates_match_the_world_within_sampling_error(con, truth, channel, world_channel):
    world = truth["world"]["return_rates"]
    got = df(
        con,
        """select category_id, sum(units_returned) as returned, sum(units_sold) as sold
                     from marts.mart_category_performance
                     where channel = ? and category_id <> 'unmapped' group by category_id""",
        [channel],
    )
    assert set(got["category_id"]) == set(world), "every category of the demo catalogue has sales"
    misses = []
    for row in got.itertuples():
        true_rate = world[row.category_id][world_channel]
        observed = row.returned / row.sold
        se = math.sqrt(true_rate * (1 - true_rate) / row.sold)
        # Sampling: four standard errors. The world draws each product's rate within ±15 % of its
        # category's (tsw_demo/world/), so a category's realised rate mixes its products'
        # rates within that band. Returns after the last export are missing from the files (the world
        # rate counts every eventual return): up to 5 % of the rate.
        low = 0.85 * true_rate - 4 * se - 0.05 * true_rate
        high = 1.15 * true_rate + 4 * se
        if not low <= observed <= high:
            misses.append((row.category_id, round(observed, 4), true_rate, int(row.sold)))
    assert misses == []


def test_amazon_return_rate_comes_from_the_returns_report(con, truth):
    # The demo loads Amazon's FBA customer returns report, so Amazon return rates are known (was: null, when
    # no returns report existed; that case is the unit test amazon_returns_unknown_until_the_returns_report_is_loaded).
    rates = df(
        con, """select return_rate, refund_rate, units_returned from marts.mart_category_performance
                where channel = 'amazon' and units_sold > 0"""
    )
    assert len(rates) > 0
    assert rates["return_rate"].notna().all() and rates["refund_rate"].notna().all()
    assert rates["units_returned"].sum() == truth["settlement"]["amazon"]["returned_units_reported"]


def test_orders_and_units_match_the_ground_truth(con, truth):
    realised = truth["realised"]
    got = df(
        con,
        """select channel, count(*) as orders, sum(units_ordered) as units,
                            count(*) filter (where is_cancelled) as cancelled
                     from marts.fct_orders group by channel""",
    ).set_index("channel")
    assert got.loc["tiktok_shop", "orders"] == realised["tiktok"]["orders"]
    assert got.loc["tiktok_shop", "units"] == realised["tiktok"]["units"]
    assert got.loc["tiktok_shop", "cancelled"] == realised["tiktok"]["cancelled_orders_visible"]
    assert got.loc["amazon", "orders"] == realised["amazon"]["orders"]
    assert got.loc["amazon", "cancelled"] == realised["amazon"]["cancelled_orders_visible"]
    # TikTok orders the channel app copied into Shopify are counted once, on TikTok.
    assert got.loc["shopify", "orders"] == realised["shopify"]["orders_own"]
    assert got.loc["shopify", "units"] == realised["shopify"]["units_own"]


def test_the_product_left_out_of_the_catalogue_is_discovered_and_keeps_its_sales(con, home, truth):
    unmapped = truth["unmapped_product_ids"]
    assert unmapped, "the demo leaves one product out of its catalogue"
    discovered = df(con, "select * from marts.dim_products where not is_in_catalogue")
    assert len(discovered) >= 1
    # Discovered by its own SKU code, the same on TikTok Shop and Amazon: one product on both channels.
    codes = df(con, """select distinct product_id, upper(seller_sku) as code from marts.fct_order_lines
                       where not is_in_catalogue and channel = 'tiktok_shop'""")
    assert len(codes) == 1 and codes.iloc[0]["product_id"] == codes.iloc[0]["code"]
    row = discovered.set_index("product_id").loc[codes.iloc[0]["product_id"]]
    assert set(row["channels_seen"].split(",")) >= {"tiktok_shop", "amazon"}
    assert row["cost_status"] == "cost_missing"
    # Its TikTok units equal the truth's units for the missing product.
    daily = pd.read_csv(home / "demo_truth" / "ground_truth_daily.csv")
    tiktok = daily[(daily["channel"].isin(["tiktok", "tiktok_shop"])) & daily["product_id"].isin(unmapped)]
    assert len(tiktok) > 0
    got = df(
        con,
        """select sum(units_ordered) as units from marts.fct_order_lines
                     where channel = 'tiktok_shop' and not is_in_catalogue""",
    ).iloc[0]["units"]
    assert got == tiktok["units"].sum()
    declared = set(df(con, "select product_id from marts.dim_products where is_in_catalogue")["product_id"])
    assert not (set(unmapped) & declared)
    # Its margin is never shown as if it cost nothing.
    lines = df(con, "select bool_or(has_cost) as any_cost, count(contribution_before_ads_usd) as with_margin "
                    "from marts.fct_order_lines where not is_in_catalogue").iloc[0]
    assert not lines["any_cost"] and lines["with_margin"] == 0


def test_rates_are_recomputed_from_components_not_averaged(con):
    monthly = df(
        con,
        """select channel, category_id, net_revenue_usd, net_revenue_with_cost_usd, contribution_margin_usd,
                                contribution_margin_pct, units_sold, units_returned, return_rate
                         from marts.mart_category_performance where net_revenue_with_cost_usd > 0""",
    )
    # The margin is over the revenue whose unit costs are known.
    recomputed = monthly["contribution_margin_usd"] / monthly["net_revenue_with_cost_usd"]
    assert (recomputed - monthly["contribution_margin_pct"]).abs().max() < 1e-9
    # Over a whole year the margin of the sums differs from the mean of the monthly margins; the
    # page and any roll-up must use the former.
    tiktok = monthly[monthly["channel"] == "tiktok_shop"]
    of_sums = tiktok["contribution_margin_usd"].sum() / tiktok["net_revenue_with_cost_usd"].sum()
    lines = df(
        con,
        """select sum(contribution_before_ads_usd) as c from marts.fct_order_lines
                       where channel = 'tiktok_shop'""",
    ).iloc[0]["c"]
    ads = df(
        con,
        # Ads are charged to the costed lines in proportion to their net revenue.
        """select sum(ad_spend_usd * net_revenue_with_cost_usd / net_revenue_usd) as a
           from marts.mart_category_performance
           where channel = 'tiktok_shop' and net_revenue_with_cost_usd > 0""",
    ).iloc[0]["a"]
    revenue = df(
        con, "select sum(net_revenue_usd) as r from marts.fct_order_lines where channel = 'tiktok_shop' and has_cost"
    )
    assert of_sums == pytest.approx((lines - ads) / revenue.iloc[0]["r"], rel=1e-6)


def test_order_level_amounts_counted_once_per_order(con):
    # TikTok repeats Order Amount on every SKU line: the lines of a multi-SKU order must add back to
    # the order's amount once, not once per line.
    multi = df(
        con,
        """select o.source_order_id, o.buyer_paid_usd, o.lines
                       from marts.fct_orders as o where o.channel = 'tiktok_shop' and o.lines > 1 limit 200""",
    )
    assert len(multi) > 0
    exported = df(
        con,
        """select order_id as source_order_id, any_value(order_amount) as order_amount
                          from staging.stg_tiktok__orders group by order_id""",
    )
    merged = multi.merge(exported, on="source_order_id")
    assert len(merged) == len(multi)
    assert (merged["buyer_paid_usd"] - merged["order_amount"].astype(float)).abs().max() < 0.005


def test_every_category_carries_its_article_signal(con):
    cats = df(con, "select * from marts.dim_categories where is_in_taxonomy")
    assert len(cats) == 6
    assert (cats["n_signals"] > 0).all()
    womenswear = cats.set_index("category_id").loc["womenswear"]
    assert "c001_013" in womenswear["signal_claim_ids"]
    claims = set(df(con, "select claim_id from marts.mart_cited_claims")["claim_id"])
    for ids in cats["signal_claim_ids"].dropna():
        assert set(ids.split(",")) <= claims


def test_losing_money_flag_follows_contribution(con):
    sku = df(con, "select * from marts.mart_sku_unit_economics")
    assert sorted(sku["window_days"].unique()) == [7, 30, 90, 180, 365]
    window = (pd.to_datetime(sku["window_end"]) - pd.to_datetime(sku["window_start"])).dt.days + 1
    assert window.eq(sku["window_days"]).all()
    assert sku["window_end"].nunique() == 1 and sku["unit_economics_id"].is_unique
    # Every window sums exactly its days of order lines.
    off = df(con, """
        with w as (select distinct window_days, window_start, window_end from marts.mart_sku_unit_economics),
        lines as (select w.window_days, l.product_id, l.channel, sum(l.units_sold) as units,
                         sum(l.net_sales_usd) as net_sales
                  from marts.fct_order_lines l join w on l.order_date between w.window_start and w.window_end
                  group by all)
        select count(*) as n from lines full join marts.mart_sku_unit_economics m using (window_days, product_id, channel)
        where lines.units is distinct from m.units_sold or abs(lines.net_sales - m.net_sales_usd) > 1e-6""")
    assert off["n"].iloc[0] == 0
    assert (sku["is_losing_money"] == (sku["contribution_usd"] < 0)).all()
    per_unit = (
        sku["price_per_unit_usd"]
        - sku["fees_per_unit_usd"]
        - sku["fulfilment_per_unit_usd"]
        - sku["cogs_per_unit_usd"]
        - sku["commission_per_unit_usd"]
        - sku["return_cost_per_unit_usd"]
    )
    assert (per_unit - sku["contribution_per_unit_usd"]).abs().max() < 1e-9


def test_creator_attribution_matches_the_signals_the_demo_wrote(con, truth):
    # TikTok: orders in the affiliate export; Shopify: creator discount codes first, then utm_source tiktok.
    got = df(
        con, "select channel, creator_attribution, count(*) as orders from marts.fct_orders group by all"
    ).set_index(["channel", "creator_attribution"])["orders"]
    assert got[("tiktok_shop", "tiktok_affiliate")] == truth["realised"]["tiktok"]["creator_orders"]
    by_signal = truth["realised"]["shopify"]["tiktok_driven_orders_by_signal"]
    assert got[("shopify", "tiktok_creator_code")] == by_signal["creator_code"]
    assert got[("shopify", "tiktok_utm")] == by_signal["note_attribute"]


def test_every_mapped_product_lands_in_its_true_category(con, truth):
    # Two demo products have no category in the catalogue, only an Amazon product type (the dress) or a Shopify
    # product type (the blender): TikTok's own category (or else the product type) must place them like the rest.
    placed = df(
        con,
        """select product_id, any_value(category_id) as category_id,
                  count(distinct category_id) as categories,
                  string_agg(distinct category_assigned_by, ',') as assigned_by
           from marts.fct_order_lines where is_in_catalogue group by product_id""",
    ).set_index("product_id")
    assert (placed["categories"] == 1).all()
    for product_id, row in placed.iterrows():
        assert row["category_id"] == truth["world"]["products"][product_id]["category"], product_id
    assert "catalogue" in set(placed["assigned_by"])
    assert (placed["assigned_by"] != "catalogue").sum() == 2
    assert set(placed["assigned_by"]) <= {"catalogue", "tiktok_shop_category", "amazon_product_type",
                                          "shopify_product_type"}
