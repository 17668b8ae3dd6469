"""How the Spillover page writes its figures: dollars per TikTok dollar, intervals, the per-1,000-views line.
A figure is never written without its interval (the caller shows nothing where these return None / MISSING).
Kept out of views/spillover.py, which runs as a page when imported."""

from __future__ import annotations

import pandas as pd

from orchestration.analysis.spillover_words import headline_kind
from streamlit_app.i18n import MISSING, fmt_money, t


def per_dollar(value: object, lang: str) -> str:
    """USD per USD of TikTok GMV, two decimals: `$0.18` — the figure a seller compares with a margin."""
    if value is None or pd.isna(value):
        return MISSING
    return t("spill.per_dollar", lang, x=fmt_money(round(float(value), 2), lang))


def interval(low: object, high: object, lang: str) -> str:
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return MISSING
    low_text, high_text = fmt_money(round(float(low), 2), lang), fmt_money(round(float(high), 2), lang)
    plain = lambda text: text.removesuffix("美元").lstrip("-").replace(",", "").replace(".", "").isdigit()
    if lang == "zh" and plain(low_text) and plain(high_text):
        # One unit for both ends keeps the KPI short enough for its column: 0.14 – 0.46美元.
        low_text = low_text.removesuffix("美元")
    return f"{low_text} – {high_text}"


def per_views_caption(reg: pd.Series, lang: str) -> str | None:
    """The regression's figure per 1,000 TikTok views with its interval on the same scale; None (the line is
    not shown) where the mart has no range for it: a figure is never shown without its interval."""
    values = [
        reg.get(c) for c in ("estimate_per_1000_views", "ci_low_per_1000_views", "ci_high_per_1000_views")
    ]
    if any(v is None or pd.isna(v) for v in values):
        return None
    point, low, high = (float(v) for v in values)
    # Worded like the headline (spillover_words rules): a significant negative reads as a drop, not as
    # "-$1.50 of extra sales"; a negative point whose interval spans zero as no clear change.
    kind = headline_kind(point, low, high)
    money = lambda v: fmt_money(round(v, 2) + 0.0, lang)  # + 0.0: never "$-0.00"
    if kind == "drop":
        return t("spill.per_views_drop", lang, x=money(-point), interval=interval(-high, -low, lang))
    key = "spill.per_views_unclear" if kind == "unclear" else "spill.per_views"
    return t(key, lang, x=money(point), interval=interval(low, high, lang))
