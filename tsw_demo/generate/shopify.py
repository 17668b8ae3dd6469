"""Which Shopify files the seller downloads and when, including TikTok Shop orders synced into Shopify.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from tsw_demo import exports as X
from tsw_demo.generate.common import BRAND, SHOPIFY_ORDERS_PER_PART, SHOPIFY_SYNC_DAYS, _dt64, _Writer
from tsw_demo.people import STATE_TAX
from tsw_demo.sampling import CREATOR_HANDLES


# ---------------------------------------------------------------- Shopify
def _shopify_canonical(sh, tt, products, people, last, rng, rank_offset: int = 0) -> tuple[pd.DataFrame, list[dict]]:
    """rank_offset: orders Shopify numbered before these (the scaled demo builds its orders slice by slice)."""
    pid = sh["_pidx"].to_numpy()
    own = pd.DataFrame({
        "order_seq": sh["order_seq"].to_numpy(), "created": sh["created"].to_numpy(dtype="datetime64[s]"),
        "_pidx": pid, "quantity": sh["quantity"].to_numpy(), "unit_price": sh["unit_price"].to_numpy(),
        "line_discount": sh["line_discount"].to_numpy(), "discount_code": sh["discount_code"].to_numpy(),
        "subtotal": sh["subtotal"].to_numpy(), "discount_amount": sh["discount_amount"].to_numpy(),
        "shipping": sh["shipping"].to_numpy(), "taxes": sh["taxes"].to_numpy(), "total": sh["total"].to_numpy(),
        "buyer_idx": sh["buyer_idx"].to_numpy(), "accepts_marketing": sh["accepts_marketing"].to_numpy(),
        "fulfilled_at": sh["fulfilled_at"].to_numpy(), "cancelled_at": sh["cancelled_at"].to_numpy(),
        "refunded_at": sh["refunded_at"].to_numpy(), "refund_line": sh["refund_line"].to_numpy(),
        "payment_method": sh["payment_method"].to_numpy(), "tiktok_signal": sh["tiktok_signal"].to_numpy(),
        "synced_tiktok_order_id": "", "cancelled": sh["cancelled"].to_numpy(), "returned": sh["returned"].to_numpy(),
    })
    n_own = int(own["order_seq"].max()) + 1 if len(own) else 0
    sig = own["tiktok_signal"].to_numpy()
    handles = np.array(CREATOR_HANDLES, dtype=object)[rng.integers(len(CREATOR_HANDLES), size=len(own))]
    notes = np.where(rng.random(len(own)) < 0.02, "Please gift wrap, thank you!", "").astype(object)
    gift = rng.random(len(own)) < 0.02
    gift_idx = (own["buyer_idx"].to_numpy() + 7) % len(people.people)
    gift_people = people.pick(gift_idx)
    note_attr = np.where(sig == "note_attribute",
                         np.char.add("utm_source: tiktok\nutm_medium: creator\nutm_campaign: ", handles.astype(str)),
                         "").astype(object)
    gift &= note_attr == ""
    note_attr = np.where(gift, [f"gift_recipient: {p.name}" for p in gift_people], note_attr)
    people.record(gift_idx[gift], ("names",))
    tags = np.where((sig == "note_attribute") & (own["buyer_idx"].to_numpy() % 2 == 0), "TikTok Traffic",
                    np.where(own["buyer_idx"].to_numpy() % 29 == 0, "VIP", "")).astype(object)
    own["notes"], own["note_attributes"], own["tags"] = notes, note_attr, tags
    own["source"] = np.where(own["buyer_idx"].to_numpy() % 53 == 0, "shopify_draft_order", "web")

    sync_from = np.datetime64(last - timedelta(days=SHOPIFY_SYNC_DAYS - 1))
    tsel = tt[tt["created"].to_numpy(dtype="datetime64[D]") >= sync_from]
    tseq = tsel["order_seq"].to_numpy()
    order_disc = tsel.groupby("order_seq")[["seller_discount", "platform_discount"]].sum().sum(axis=1)
    order_sub = tsel.groupby("order_seq")["subtotal"].sum()
    synced = pd.DataFrame({
        "order_seq": n_own + pd.factorize(tseq)[0], "created": tsel["paid"].to_numpy(dtype="datetime64[s]"),
        "_pidx": tsel["_pidx"].to_numpy(), "quantity": tsel["quantity"].to_numpy(),
        "unit_price": tsel["unit_price"].to_numpy(),
        "line_discount": (tsel["seller_discount"] + tsel["platform_discount"]).to_numpy(), "discount_code": "",
        "subtotal": order_sub.reindex(tseq).to_numpy(), "discount_amount": order_disc.reindex(tseq).to_numpy(),
        "shipping": tsel["shipping_fee"].to_numpy(), "taxes": tsel["taxes"].to_numpy(),
        "total": tsel["order_amount"].to_numpy(), "buyer_idx": tsel["buyer_idx"].to_numpy(),
        "accepts_marketing": False, "fulfilled_at": tsel["shipped"].to_numpy(),
        "cancelled_at": tsel["cancelled_at"].to_numpy(), "refunded_at": tsel["returned_at"].to_numpy(),
        "refund_line": tsel["line_refund"].to_numpy(), "payment_method": "TikTok Shop", "tiktok_signal": "synced",
        "synced_tiktok_order_id": tsel["order_id"].to_numpy(), "cancelled": tsel["cancelled"].to_numpy(),
        "returned": tsel["return_qty"].to_numpy() > 0,
        "notes": "", "note_attributes": np.char.add("TikTok Order ID: ", tsel["order_id"].to_numpy().astype(str)),
        "tags": "TikTok Shop", "source": "tiktok",
    })
    allx = pd.concat([own, synced], ignore_index=True)
    # Shopify numbers orders in the order they reach it; the synced ones interleave with web orders.
    first_created = allx.groupby("order_seq")["created"].min()
    rank = first_created.rank(method="first").astype(int).reindex(allx["order_seq"]).to_numpy() + rank_offset
    allx["name"] = np.char.add("#", (1000 + rank).astype(str))
    allx["shopify_id"] = (5_810_000_000_000 + rank * 131).astype(np.int64)
    allx["_rank"] = rank
    pidx = allx["_pidx"].to_numpy()
    allx["lineitem_name"] = products["shopify_title"].to_numpy()[pidx]
    allx["lineitem_sku"] = products["shopify_sku"].to_numpy()[pidx]
    allx["compare_at"] = np.where(pidx % 4 == 0, X.money_2dp(allx["unit_price"].to_numpy() * 1.25), "")
    allx["vendor"] = BRAND
    allx["payment_ref"] = np.where(allx["source"] == "tiktok", "", np.char.add("c", (27_000_000_000 + rank * 7)
                                                                             .astype(str)))
    allx["tax_rate"] = [STATE_TAX.get(people.people[b].state_code, 0.07) for b in allx["buyer_idx"]]
    allx = allx.sort_values(["_rank", "_pidx"], ascending=[False, True], kind="stable").reset_index(drop=True)
    syn = allx[allx["synced_tiktok_order_id"] != ""].drop_duplicates("name")
    synced_list = [{"shopify_name": a, "tiktok_order_id": b}
                   for a, b in zip(syn["name"], syn["synced_tiktok_order_id"])]
    return allx, synced_list


def _write_shopify(w: _Writer, sh, tt, products, people, last, rng) -> tuple[pd.DataFrame, list[dict]]:
    allx, synced = _shopify_canonical(sh, tt, products, people, last, rng)
    at = datetime(last.year, last.month, last.day, 10, 0) + timedelta(days=1)
    as_of = _dt64(at)
    frame = X.shopify_frame(allx, people, as_of)
    names = allx["name"].to_numpy()
    order_no = pd.factorize(names)[0]
    parts = order_no // SHOPIFY_ORDERS_PER_PART
    for k in range(int(parts.max()) + 1 if len(parts) else 0):
        m = parts == k
        path = w.out_dir / f"orders_export_{k + 1}.csv"
        X.write_csv(path, list(frame.columns), frame[m])
        created = allx.loc[m, "created"].to_numpy(dtype="datetime64[D]")
        w.add(path, "shopify_orders", pd.Timestamp(created.min()).date(), pd.Timestamp(created.max()).date(), at)
    return allx, synced


def _shopify_realised(allx: pd.DataFrame, as_of: np.datetime64) -> dict:
    first = ~allx["name"].duplicated().to_numpy()
    synced = allx["synced_tiktok_order_id"].to_numpy() != ""
    own = ~synced
    qty = allx["quantity"].to_numpy()
    cancelled = allx["cancelled"].to_numpy()
    ref_vis = ~cancelled & ~np.isnat(allx["refunded_at"].to_numpy(dtype="datetime64[s]")) & \
        (allx["refunded_at"].to_numpy(dtype="datetime64[s]") <= as_of)
    sig = allx.loc[first & own, "tiktok_signal"].value_counts()
    return {
        "orders_total_in_files": int(first.sum()),
        "orders_own": int((first & own).sum()),
        "orders_synced_from_tiktok": int((first & synced).sum()),
        "units_own": int(qty[own].sum()),
        "tiktok_driven_orders_by_signal": {k: int(v) for k, v in sig.items() if k},
        "cancelled_orders_own": int((first & own & cancelled).sum()),
        "cancellation_rate_own": float(cancelled[first & own].mean()),
        "returned_units_own_visible": int(qty[own & ref_vis].sum()),
        "return_rate_own_visible": float(qty[own & ref_vis].sum() / qty[own & ~cancelled].sum()),
        "return_rate_own_eventual": float(qty[own & allx["returned"].to_numpy()].sum() / qty[own & ~cancelled].sum()),
    }
