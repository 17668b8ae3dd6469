"""The Categories page's figures, apart from drawing them: the marts' additive columns, the rates recomputed from
their sums (a margin is never an average of margins), the headline figures, the contribution waterfall's steps,
and the labels of channels, categories and market signals in the reader's language. Kept out of
views/categories.py, which runs as a page when imported."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from streamlit_app.i18n import attribution_label, label_for, t

ADDITIVE = [
    "orders",
    "cancelled_orders",
    "units_sold",
    "units_returned",
    "gmv_usd",
    "seller_discount_usd",
    "platform_discount_usd",
    "net_sales_usd",
    "return_refunds_usd",
    "net_revenue_usd",
    "platform_fees_usd",
    "affiliate_commission_usd",
    "fulfilment_cost_usd",
    "cogs_usd",
    "ad_spend_usd",
    "contribution_margin_usd",
    "net_revenue_with_cost_usd",
    "net_revenue_settled_usd",
    # Units of rows whose returns are unknown (Amazon before its FBA customer returns report is loaded):
    # their return figures are unknown, not zero.
    "units_sold_returns_unknown",
]


def channel_label(channel: str, lang: str) -> str:
    key = f"categories.channel.{channel}"
    return t(key, lang)


def signal_label(market_signal: str | None, lang: str) -> str:
    """dim_categories' short label ('hot (US)', 'hot (CN,SEA)', 'no signal') in the reader's language."""
    if not isinstance(market_signal, str):
        return "—"
    kind, _, where = market_signal.partition(" (")
    if not where:
        return label_for("signal", market_signal, lang)
    places = ("、" if lang == "zh" else ", ").join(label_for("geo", g.strip(), lang) for g in where.rstrip(")").split(","))
    return f"{label_for('signal', kind, lang)} ({places})" if lang == "en" else f"{label_for('signal', kind, lang)}（{places}）"


# dim_categories.market_signal_detail: "hot (US, 2026): TikTok official — s000 p12; opportunity (…): … — s004 p12".
_SIGNAL_PART = re.compile(r"^(?P<kind>[\w ]+) \((?P<geo>[^,()]+), (?P<period>[^()]+)\): (?P<who>.+) — (?P<where>\S+ \S+)$")


def signal_detail(detail: str | None, lang: str) -> str:
    """Every article signal of a category in the reader's words: 热门（美国，2026）：TikTok 官方 — s000 p12."""
    if not isinstance(detail, str) or not detail:
        return "—"
    parts = []
    for part in detail.split("; "):
        match = _SIGNAL_PART.match(part.strip())
        if not match:
            parts.append(part)
            continue
        kind = label_for("signal", match["kind"], lang)
        geo = label_for("geo", match["geo"].strip(), lang)
        who = attribution_label(match["who"], lang)
        parts.append(f"{kind}（{geo}，{match['period']}）：{who} — {match['where']}" if lang == "zh"
                     else f"{kind} ({geo}, {match['period']}): {who} — {match['where']}")
    return ("；" if lang == "zh" else "; ").join(parts)


def category_label(category_id: str, categories: pd.DataFrame, lang: str) -> str:
    row = categories[categories["category_id"] == category_id]
    if row.empty:
        return category_id
    return str(row.iloc[0]["category_name_zh" if lang == "zh" else "category_name"])


def fmt_day(day: date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.strftime("%Y-%m-%d")


def with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Rates recomputed from the summed components of each row."""
    out = frame.copy()
    # A margin only over the revenue whose unit costs are known; none at all when no cost is known
    # ("cost missing"), never a margin computed as if the missing costs were zero.
    with_cost = out["net_revenue_with_cost_usd"].where(out["net_revenue_with_cost_usd"] != 0)
    out["contribution_margin_usd"] = out["contribution_margin_usd"].where(with_cost.notna() | (out["net_revenue_usd"] == 0))
    out["contribution_margin_pct"] = out["contribution_margin_usd"] / with_cost
    revenue = out["net_revenue_usd"].where(out["net_revenue_usd"] != 0)
    out["share_of_revenue_without_cost"] = 1 - out["net_revenue_with_cost_usd"] / revenue
    units = out["units_sold"].where(out["units_sold"] != 0)
    has_returns = out["units_sold_returns_unknown"] == 0 if "units_sold_returns_unknown" in out else True
    out["return_rate"] = (out["units_returned"] / units).where(has_returns)
    sold_orders = (out["orders"] - out["cancelled_orders"]).where(lambda s: s != 0)
    out["avg_order_value_usd"] = out["net_sales_usd"] / sold_orders
    return out


def category_channel_table(selected: pd.DataFrame, previous: pd.DataFrame, categories: pd.DataFrame) -> pd.DataFrame:
    summed = with_rates(selected.groupby(["category_id", "channel"], as_index=False)[ADDITIVE].sum())
    # Against the previous period of the same length, per category and channel (empty where it sold nothing).
    before = previous.groupby(["category_id", "channel"])["net_revenue_usd"].sum()
    keys = list(zip(summed["category_id"], summed["channel"], strict=True))
    prev_v = pd.Series([before.get(k) for k in keys], index=summed.index, dtype=float)
    summed["net_revenue_prev_period_usd"] = prev_v
    summed["net_revenue_change"] = summed["net_revenue_usd"] / prev_v.where(prev_v != 0) - 1
    signals = categories.set_index("category_id")
    summed["market_signal"] = [signals["market_signal"].get(c) for c in summed["category_id"]]
    summed["signal_claim_ids"] = [signals["signal_claim_ids"].get(c) for c in summed["category_id"]]
    summed["signal_source_ids"] = [signals["signal_source_ids"].get(c) for c in summed["category_id"]]
    return summed.sort_values("net_revenue_usd", ascending=False).reset_index(drop=True)


def headline(frame: pd.DataFrame) -> dict[str, float | None]:
    """The four headline figures of a set of category × channel rows, from their sums."""
    revenue = frame["net_revenue_usd"].sum()
    with_cost = frame["net_revenue_with_cost_usd"].sum()
    margin = frame["contribution_margin_usd"].sum(min_count=1) if with_cost else None
    margin = None if margin is None or pd.isna(margin) else float(margin)
    with_returns = frame[frame["units_sold_returns_unknown"] == 0]
    units = with_returns["units_sold"].sum()
    return {
        "revenue": float(revenue),
        "with_cost": float(with_cost),
        "margin": margin,
        "margin_pct": margin / with_cost if margin is not None else None,
        "return_rate": with_returns["units_returned"].sum() / units if units else None,
    }


def change_text(now: float | None, before: float | None, fmt) -> str | None:
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    return fmt(now - before)


def waterfall_steps(row: pd.Series) -> list[tuple[str, float]]:
    """GMV down to contribution; every step is a summed component, so the bars add up exactly."""
    return [
        ("gmv", row["gmv_usd"]),
        ("discounts", row["net_sales_usd"] - row["gmv_usd"]),
        # Net revenue minus net sales: refunds as settled where a statement paid them, else as exported.
        ("refunds", row["net_revenue_usd"] - row["net_sales_usd"]),
        ("fees", -row["platform_fees_usd"]),
        ("fulfilment", -row["fulfilment_cost_usd"]),
        ("cogs", -row["cogs_usd"]),
        ("commission", -row["affiliate_commission_usd"]),
        ("ads", -row["ad_spend_usd"]),
    ]
