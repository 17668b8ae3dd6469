"""Every number a reader sees, in both languages: money, percent, counts, ranges, axis units.

English readers think in thousands/millions/billions, Chinese readers in 万 (1e4) and 亿 (1e8), which is also
how the cited articles write them (e.g. 870.2亿美元). Unscaled numbers are grouped by Babel's locale data
(en_US, zh_CN); the sign always leads (`-$0.02`, `-25.0亿美元`). Pages import these through `streamlit_app.i18n`.
"""

from __future__ import annotations

import math
from typing import Any

from babel.numbers import format_decimal


def t(key: str, lang: str | None = None, **kw: Any) -> str:
    from streamlit_app.i18n import t as translate

    return translate(key, lang, **kw)


def current_lang() -> str:
    from streamlit_app.i18n import current_lang as lang

    return lang()


_LOCALES = {"en": "en_US", "zh": "zh_CN"}


def grouped(value: float, decimals: int, lang: str = "en") -> str:
    """`value` with the locale's digit grouping and exactly `decimals` decimals (Babel)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_LOCALES.get(lang, "en_US"))


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------
MISSING = "—"

# (threshold, divisor, suffix); first match wins, largest first.
_EN_SCALES = ((1e12, 1e12, "T"), (1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e3, 1e3, "K"))
_ZH_SCALES = ((1e12, 1e12, "万亿"), (1e8, 1e8, "亿"), (1e4, 1e4, "万"))


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def _scale(value: float, lang: str) -> tuple[float, str]:
    scales = _ZH_SCALES if lang == "zh" else _EN_SCALES
    magnitude = abs(value)
    for threshold, divisor, suffix in scales:
        # Round first so 999,950 becomes "1.0M" rather than "1000.0K".
        if round(magnitude / threshold, 1) >= 1:
            return value / divisor, suffix
    return value, ""


def _plain(value: float) -> str:
    """Unscaled number: integers with thousands separators, otherwise two decimals."""
    return grouped(value, 0 if float(value).is_integer() else 2)


def fmt_money(value: Any, lang: str | None = None) -> str:
    """US dollars: en `$87.0B`, zh `870.2亿美元`."""
    if _is_missing(value):
        return MISSING
    lang = lang or current_lang()
    value = float(value)
    sign = "-" if value < 0 else ""
    scaled, suffix = _scale(abs(value), lang)
    # Chinese writes the number before 万/亿 without separators (7000亿, not 7,000亿).
    grouping = "" if lang == "zh" else ","
    number = f"{scaled:{grouping}.1f}" if suffix else _plain(scaled)
    if lang == "zh":
        return f"{sign}{number}{suffix}美元"
    return f"{sign}${number}{suffix}"


def fmt_percent(fraction: Any, lang: str | None = None, *, signed: bool = False) -> str:
    """A fraction as percent: 0.123 → `12.3%`; small shares keep two decimals (0.0005 → `0.05%`)."""
    if _is_missing(fraction):
        return MISSING
    pct = float(fraction) * 100
    decimals = 2 if 0 < abs(pct) < 1 else 1
    text = f"{pct:+,.{decimals}f}%" if signed else f"{pct:,.{decimals}f}%"
    return text


def fmt_count(value: Any, lang: str | None = None) -> str:
    """Counts: en `12,345` / `10M`, zh `1,234` / `1000万` / `1.5亿` (no `.0` on whole numbers)."""
    if _is_missing(value):
        return MISSING
    lang = lang or current_lang()
    value = float(value)
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    scaled, suffix = _scale(magnitude, lang) if (lang == "zh" or magnitude >= 1e6) else (magnitude, "")
    if not suffix:
        # A count's median can fall between two whole numbers (a range 3-4 gives 3.5).
        return sign + (f"{scaled:,.0f}" if float(scaled).is_integer() else f"{scaled:,.1f}")
    grouping = "" if lang == "zh" else ","
    number = f"{scaled:{grouping}.1f}".removesuffix(".0")
    return f"{sign}{number}{suffix}"


def fmt_number(value: Any, lang: str | None = None, decimals: int = 1) -> str:
    if _is_missing(value):
        return MISSING
    value = float(value)
    if value.is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{decimals}f}"


def fmt_value(value: Any, normalized_unit: Any, lang: str | None = None) -> str:
    """Format a normalized mart value according to its `normalized_unit`."""
    lang = lang or current_lang()
    if _is_missing(value):
        return MISSING
    unit = str(normalized_unit or "").lower()
    if unit == "usd":
        return fmt_money(value, lang)
    if unit in ("ratio", "percent", "fraction"):
        return fmt_percent(value, lang)
    if unit == "count":
        return fmt_count(value, lang)
    if unit in ("hours", "days", "months", "years", "multiple", "rank"):
        # Same scale words as counts, so 800万小时 rather than 8000000小时.
        return t(f"num.{unit}", lang, x=fmt_count(value, lang))
    suffix = f" {normalized_unit}" if normalized_unit else ""
    return fmt_number(value, lang, decimals=2) + suffix


def fmt_range(low: Any, high: Any, normalized_unit: Any, lang: str | None = None) -> str:
    """`low – high`; an open end shows as `≥ low` or `≤ high`; nothing known gives `—`."""
    lo_missing, hi_missing = _is_missing(low), _is_missing(high)
    if lo_missing and hi_missing:
        return MISSING
    if hi_missing:
        return "≥ " + fmt_value(low, normalized_unit, lang)
    if lo_missing:
        return "≤ " + fmt_value(high, normalized_unit, lang)
    lo_text, hi_text = fmt_value(low, normalized_unit, lang), fmt_value(high, normalized_unit, lang)
    return lo_text if lo_text == hi_text else f"{lo_text} – {hi_text}"


def money_axis(max_abs_value: float, lang: str | None = None) -> tuple[float, str]:
    """Divisor and axis title for a money chart, so ticks read 87 (USD, billions) or 870 (亿美元)."""
    lang = lang or current_lang()
    if lang == "zh":
        for threshold, divisor, name in (
            (1e12, 1e12, "万亿美元"),
            (1e8, 1e8, "亿美元"),
            (1e4, 1e4, "万美元"),
        ):
            if max_abs_value >= threshold:
                return divisor, t("unit.usd_scaled", lang, scale=name)
        return 1.0, t("unit.usd_scaled", lang, scale="美元")
    for threshold, divisor, name in (
        (1e12, 1e12, "trillions"),
        (1e9, 1e9, "billions"),
        (1e6, 1e6, "millions"),
        (1e3, 1e3, "thousands"),
    ):
        if max_abs_value >= threshold:
            return divisor, t("unit.usd_scaled", lang, scale=name)
    return 1.0, "USD"
