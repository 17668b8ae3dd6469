"""Message catalogue (English / Simplified Chinese) and number formatting per language.

Every label a reader sees goes through `t()`, so switching language never leaves a stray
English word on a Chinese page. Numbers use each language's own scale words: English readers
think in thousands/millions/billions, Chinese readers in 万 (1e4) and 亿 (1e8), which is also
how the cited articles write them (e.g. 870.2亿美元).
"""

from __future__ import annotations

import math
import string
from typing import Any

LANGS: tuple[str, ...] = ("en", "zh")
DEFAULT_LANG = "en"
LANG_NAMES = {"en": "English", "zh": "简体中文"}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "app.title": "TikTok Shop US warehouse",
        "app.language": "Language",
        "app.published_at": "Data: build published {when} UTC",
        "app.no_build_sidebar": "Data: no build published yet",
        "page.market": "Market",
        "page.sources": "Sources",
        # Data access notices
        "data.no_build": "No build published yet — run `tsw build` to load the sources and publish the marts.",
        "data.refreshing": "The data is being refreshed (a new build is being published). "
        "Reload this page in a few seconds.",
        "data.missing_table": "The published build has no table `{table}`. "
        "It may come from an older version of the pipeline — run `tsw build` again.",
        "data.empty": "No rows match the current filters.",
        # Shared components
        "chart.source": "Source: cited claims {ids} — see Sources",
        "chart.source_more": "{ids} and {n} more",
        "chart.source_none": "Source: no cited claim in this selection",
        "table.download": "Download CSV",
        "table.download_xlsx": "Download Excel",
        "table.download_help": "Every column of this table, headers in this page's language, numbers rounded "
        "(money to the cent)",
        # Market page
        "market.title": "US market figures from the cited articles",
        "market.intro": "Each figure is the median of the claims that state it; the bar through a dot spans the "
        "lowest to the highest claim, and open dots are forecasts. Money is in US dollars (converted at "
        "the annual FX rate).",
        "market.filter.subject": "Subject",
        "market.filter.geography": "Geography",
        "market.filter.metric": "Metric",
        "market.filter.help": "Leave empty to show all",
        "market.kpi.figures": "Figures",
        "market.kpi.claims": "Cited claims",
        "market.kpi.sources": "Articles",
        "market.kpi.conflicts": "Figures with conflicting claims",
        "market.sizes.header": "Market sizes",
        "market.sizes.chart": "Market sizes cited (median and low–high range of the claims)",
        "market.growth.header": "Growth rates",
        "market.growth.chart": "Growth rates cited (median and low–high range)",
        "market.shares.header": "Shares",
        "market.shares.chart": "Shares cited (median and low–high range)",
        "market.other.header": "Other figures",
        "market.none_in_group": "No figure of this kind in the current selection.",
        "market.checks.header": "Checks of the articles' arithmetic",
        "market.checks.intro": "Each check recomputes a stated figure from other cited figures and compares them.",
        "market.checks.only_conflicts": "Only conflicts",
        "market.checks.only_conflicts_help": "Show only checks whose recomputed value deviates beyond tolerance",
        "market.trace.header": "Traceability: where a figure comes from",
        "market.trace.select": "Figure",
        "market.trace.select_help": "Pick a figure to see every claim behind it",
        "market.trace.value": "Value (median)",
        "market.trace.range": "Range of claims",
        "market.trace.n_claims": "Claims",
        "market.trace.n_sources": "Articles",
        "market.trace.conflict": "The claims behind this figure disagree beyond tolerance.",
        "market.trace.forecast": "Includes forecasts.",
        "axis.percent": "Percent (%)",
        "unit.usd_scaled": "USD, {scale}",
        # Column headers
        "col.market_figure_id": "Figure",
        "col.subject": "Subject",
        "col.geography": "Geography",
        "col.period": "Period",
        "col.metric": "Metric",
        "col.value": "Value",
        "col.range": "Range",
        "col.n_claims": "Claims",
        "col.n_sources": "Articles",
        "col.attributed_to": "Attributed to",
        "col.forecast": "Forecast",
        "col.conflict": "Conflict",
        "col.claim_ids": "Claim ids",
        "col.claim_id": "Claim",
        "col.check_id": "Check",
        "col.check_kind": "Kind",
        "col.description": "Description",
        "col.inputs": "Inputs",
        "col.stated": "Stated",
        "col.recomputed": "Recomputed",
        "col.deviation": "Deviation",
        "col.tolerance": "Tolerance",
        "col.status": "Status",
        "col.article": "Article",
        "col.outlet": "Outlet",
        "col.published": "Date",
        "col.value_as_written": "Value as written",
        "col.value_normalized": "Normalized value",
        "col.locator": "Paragraph",
        "col.note": "Note",
        "col.source_id": "Source",
        "yes": "yes",
        "no": "no",
        # Check kinds and statuses
        "status.consistent": "consistent",
        "status.within_tolerance": "within tolerance",
        "status.conflict": "conflict",
        "kind.share_of_total": "share of total",
        "kind.ratio_projection": "ratio projection",
        "kind.multiple": "multiple",
        "kind.parts_sum": "sum of parts",
        "kind.yoy_growth": "year-on-year growth",
        "kind.cross_source": "same figure, several sources",
        # Metric names that have a friendlier label than their code
        "metric.gmv": "GMV",
        "metric.gmv_potential": "GMV potential (what-if)",
        "metric.sales": "Sales",
        "metric.revenue": "Revenue",
        "metric.net_income": "Net income",
        "metric.profit": "Profit",
        "filter.all": "All",
        "signal.hot": "hot",
        "signal.opportunity": "opportunity",
        "signal.risk": "risk",
        "signal.no signal": "no signal",
        "geo.US": "US",
        "geo.Global": "global",
        "geo.SEA": "Southeast Asia",
        "geo.CN": "China",
        "metric.income_tax": "Income tax",
        "metric.profit_growth_yoy": "Profit growth (year on year)",
        "metric.market_size": "Market size",
        "metric.seller_monthly_gmv": "Seller monthly GMV",
        "metric.growth_rate_yoy": "Growth (year on year)",
        "metric.growth_multiple": "Growth (multiple)",
        "metric.headroom_multiple": "Headroom (multiple)",
        "metric.multiple": "Multiple",
        "metric.relative_size": "Relative size",
        "metric.share_of_market": "Share of market",
        "metric.share_of_sales": "Share of sales",
        "metric.share_of_revenue": "Share of revenue",
        "metric.share_of_content": "Share of content",
        "metric.paid_traffic_share": "Paid traffic share",
        "metric.survey_share": "Survey share",
        "metric.conversion_rate": "Conversion rate",
        "metric.return_rate": "Return rate",
        "metric.user_count": "Users",
        "metric.seller_count": "Sellers",
        "metric.creator_count": "Creators",
        "metric.creator_outreach_per_month": "Creators contacted per month",
        "metric.follower_count": "Followers",
        "metric.view_count": "Views",
        "metric.order_count": "Orders",
        "metric.listing_count": "Listings",
        "metric.category_count": "Categories",
        "metric.market_count": "Markets",
        "metric.talk_count": "Talks",
        "metric.participant_count": "Participants",
        "metric.livestream_hours": "Livestream hours",
        "metric.duration": "Duration",
        "metric.cost": "Cost",
        "metric.price": "Price",
        "metric.threshold": "Threshold",
        "metric.rank_gmv": "Rank by GMV",
        "metric.rank_growth": "Rank by growth",
        # Sources page
        "sources.title": "Sources: every cited claim",
        "sources.intro": "Every number the warehouse uses, with the article it was read in and who the article "
        "attributes it to.",
        "sources.search": "Search",
        "sources.search_help": "Matches value as written, subject, metric, attribution, article, outlet and "
        "claim id; several words must all match",
        "sources.search_placeholder": "e.g. EMARKETER gmv 2025",
        "sources.count": "{shown} of {total} claims",
        "sources.articles.header": "Articles",
        "sources.claims.header": "Claims",
        "sources.n_claims": "Claims",
        # Number formatting
        "num.hours": "{x} h",
        "num.days": "{x} days",
        "num.multiple": "{x}×",
        "num.months": "{x} months",
        "num.years": "{x} years",
        "num.rank": "#{x}",
    },
    "zh": {
        "app.title": "TikTok Shop 美国站数据仓库",
        "app.language": "语言",
        "app.published_at": "数据：构建发布于 {when} UTC",
        "app.no_build_sidebar": "数据：尚未发布构建",
        "page.market": "市场",
        "page.sources": "来源",
        "data.no_build": "尚未发布任何构建——请运行 `tsw build` 载入来源并发布数据集市。",
        "data.refreshing": "数据正在刷新（新构建正在发布），请几秒钟后重新加载本页。",
        "data.missing_table": "已发布的构建中没有表 `{table}`，可能来自旧版流水线——请重新运行 `tsw build`。",
        "data.empty": "没有符合当前筛选条件的行。",
        "chart.source": "来源：引用数据 {ids}——见“来源”页",
        "chart.source_more": "{ids} 等另外 {n} 条",
        "chart.source_none": "来源：当前选择中没有引用数据",
        "table.download": "下载 CSV",
        "table.download_xlsx": "下载 Excel",
        "table.download_help": "本表全部列，表头为本页语言，数字已四舍五入（金额保留到分）",
        "market.title": "引用文章中的美国市场数据",
        "market.intro": "每个数值取陈述该数值的各条引用的中位数；穿过圆点的横线表示最低与最高引用之间的区间，"
        "空心圆点为预测值。金额统一为美元（按年均汇率折算）。",
        "market.filter.subject": "对象",
        "market.filter.geography": "地区",
        "market.filter.metric": "指标",
        "market.filter.help": "留空则显示全部",
        "market.kpi.figures": "数值",
        "market.kpi.claims": "引用数据",
        "market.kpi.sources": "文章",
        "market.kpi.conflicts": "引用相互矛盾的数值",
        "market.sizes.header": "市场规模",
        "market.sizes.chart": "引用的市场规模（中位数及引用的最低–最高区间）",
        "market.growth.header": "增长率",
        "market.growth.chart": "引用的增长率（中位数及最低–最高区间）",
        "market.shares.header": "占比",
        "market.shares.chart": "引用的占比（中位数及最低–最高区间）",
        "market.other.header": "其他数值",
        "market.none_in_group": "当前选择中没有此类数值。",
        "market.checks.header": "文章算术核验",
        "market.checks.intro": "每项核验用其他引用数据重新计算一个文章给出的数值，并与之比较。",
        "market.checks.only_conflicts": "仅显示矛盾",
        "market.checks.only_conflicts_help": "只显示重新计算值偏差超出容差的核验",
        "market.trace.header": "溯源：数值从何而来",
        "market.trace.select": "数值",
        "market.trace.select_help": "选择一个数值，查看其背后的每条引用",
        "market.trace.value": "数值（中位数）",
        "market.trace.range": "引用区间",
        "market.trace.n_claims": "引用条数",
        "market.trace.n_sources": "文章数",
        "market.trace.conflict": "该数值背后的引用相互矛盾，偏差超出容差。",
        "market.trace.forecast": "包含预测值。",
        "axis.percent": "百分比（%）",
        "unit.usd_scaled": "{scale}",
        "col.market_figure_id": "数值编号",
        "col.subject": "对象",
        "col.geography": "地区",
        "col.period": "期间",
        "col.metric": "指标",
        "col.value": "数值",
        "col.range": "区间",
        "col.n_claims": "引用条数",
        "col.n_sources": "文章数",
        "col.attributed_to": "数据出处",
        "col.forecast": "预测",
        "col.conflict": "矛盾",
        "col.claim_ids": "引用编号",
        "col.claim_id": "引用",
        "col.check_id": "核验",
        "col.check_kind": "类型",
        "col.description": "说明",
        "col.inputs": "输入",
        "col.stated": "文章所述",
        "col.recomputed": "重新计算",
        "col.deviation": "偏差",
        "col.tolerance": "容差",
        "col.status": "状态",
        "col.article": "文章",
        "col.outlet": "媒体",
        "col.published": "日期",
        "col.value_as_written": "原文数值",
        "col.value_normalized": "标准化数值",
        "col.locator": "段落",
        "col.note": "备注",
        "col.source_id": "来源",
        "yes": "是",
        "no": "否",
        "status.consistent": "一致",
        "status.within_tolerance": "在容差内",
        "status.conflict": "矛盾",
        "kind.share_of_total": "占总量比例",
        "kind.ratio_projection": "比例推算",
        "kind.multiple": "倍数",
        "kind.parts_sum": "分项加总",
        "kind.yoy_growth": "同比增长",
        "kind.cross_source": "多来源同一数值",
        "metric.gmv": "GMV（商品交易总额）",
        "metric.gmv_potential": "GMV 潜力（假设推算）",
        "metric.sales": "销售额",
        "metric.revenue": "营收",
        "metric.net_income": "净利润",
        "metric.profit": "利润",
        "filter.all": "全部",
        "signal.hot": "热门",
        "signal.opportunity": "机会",
        "signal.risk": "风险",
        "signal.no signal": "暂无信号",
        "geo.US": "美国",
        "geo.Global": "全球",
        "geo.SEA": "东南亚",
        "geo.CN": "中国",
        "metric.income_tax": "所得税",
        "metric.profit_growth_yoy": "利润同比增长率",
        "metric.market_size": "市场规模",
        "metric.seller_monthly_gmv": "卖家月 GMV",
        "metric.growth_rate_yoy": "同比增长率",
        "metric.growth_multiple": "增长倍数",
        "metric.headroom_multiple": "增长空间（倍数）",
        "metric.multiple": "倍数",
        "metric.relative_size": "相对规模",
        "metric.share_of_market": "市场份额",
        "metric.share_of_sales": "销售额占比",
        "metric.share_of_revenue": "营收占比",
        "metric.share_of_content": "内容占比",
        "metric.paid_traffic_share": "付费流量占比",
        "metric.survey_share": "调查占比",
        "metric.conversion_rate": "转化率",
        "metric.return_rate": "退货率",
        "metric.user_count": "用户数",
        "metric.seller_count": "卖家数",
        "metric.creator_count": "达人数",
        "metric.creator_outreach_per_month": "每月联系达人数",
        "metric.follower_count": "粉丝数",
        "metric.view_count": "播放量",
        "metric.order_count": "订单数",
        "metric.listing_count": "商品数",
        "metric.category_count": "类目数",
        "metric.market_count": "市场数",
        "metric.talk_count": "演讲场数",
        "metric.participant_count": "参会人数",
        "metric.livestream_hours": "直播时长",
        "metric.duration": "时长",
        "metric.cost": "成本",
        "metric.price": "价格",
        "metric.threshold": "门槛",
        "metric.rank_gmv": "GMV 排名",
        "metric.rank_growth": "增速排名",
        "sources.title": "来源：全部引用数据",
        "sources.intro": "仓库使用的每一个数字，连同其所在文章以及文章注明的数据出处。",
        "sources.search": "搜索",
        "sources.search_help": "匹配原文数值、对象、指标、数据出处、文章、媒体和引用编号；多个词须同时匹配",
        "sources.search_placeholder": "例如 EMARKETER gmv 2025",
        "sources.count": "显示 {shown} / 共 {total} 条引用",
        "sources.articles.header": "文章",
        "sources.claims.header": "引用数据",
        "sources.n_claims": "引用条数",
        "num.hours": "{x}小时",
        "num.days": "{x}天",
        "num.multiple": "{x}倍",
        "num.months": "{x}个月",
        "num.years": "{x}年",
        "num.rank": "第{x}",
    },
}


def current_lang() -> str:
    """The reader's language: session state `lang` (set by the sidebar switch), else English."""
    import streamlit as st

    # Outside a Streamlit session (plain scripts, unit tests) session_state is empty: English.
    lang = st.session_state.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def normalize_lang(value: Any) -> str | None:
    """Map a query-parameter value (`zh`, `zh-CN`, `en-US`...) to a supported language, or None."""
    if not isinstance(value, str):
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGS else None


def has(key: str) -> bool:
    return key in MESSAGES[DEFAULT_LANG]


def t(key: str, lang: str | None = None, **kw: Any) -> str:
    """Translate `key` into `lang` (default: the session's language) and fill `{placeholders}`.

    A key missing from the Chinese catalogue falls back to English rather than showing the key;
    a key missing from English is a programming error and raises KeyError.
    """
    lang = lang or current_lang()
    template = MESSAGES.get(lang, {}).get(key)
    if template is None:
        template = MESSAGES[DEFAULT_LANG][key]
    return template.format(**kw) if kw else template


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def label_for(prefix: str, code: Any, lang: str | None = None) -> str:
    """Label of a controlled-vocabulary code (metric, status, kind), or the code itself made readable."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return "—"
    key = f"{prefix}.{code}"
    return t(key, lang) if has(key) else str(code).replace("_", " ")


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
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


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

# ---------------------------------------------------------------------------------------------
# Categories page. Its own block, merged into the catalogues, so other pages' keys never share lines.
# ---------------------------------------------------------------------------------------------
_CATEGORIES_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "page.categories": "Categories",
        "categories.title": "Which categories make money, on which channel",
        "categories.intro": "The seller's own exports, per category and channel: net revenue, contribution margin after fees, creator commissions, fulfilment, cost of goods and TikTok ads, returns and growth — beside what the cited articles say about each category. US dollars; months in the seller's time zone (America/Los_Angeles).",
        "categories.filter.channel": "Channel",
        "categories.filter.category": "Category",
        "categories.filter.period": "Months",
        "categories.filter.help": "Leave empty to show all",
        "categories.filter.period_help": "Orders run to {latest}; the period ends on the last full month unless you move it.",
        "categories.channel.tiktok_shop": "TikTok Shop",
        "categories.channel.amazon": "Amazon",
        "categories.channel.shopify": "Shopify",
        "categories.kpi.net_revenue": "Net revenue",
        "categories.kpi.margin": "Contribution margin",
        "categories.kpi.margin_pct": "Margin %",
        "categories.kpi.return_rate": "Return rate (TikTok Shop, Shopify)",
        "categories.kpi.return_rate_help": "Units returned / units sold. Amazon's order report carries no returns, so Amazon is left out.",
        "categories.table.header": "Category × channel",
        "categories.col.category": "Category",
        "categories.col.channel": "Channel",
        "categories.col.net_revenue": "Net revenue",
        "categories.col.gmv": "GMV (platform definition)",
        "categories.col.margin": "Contribution margin",
        "categories.col.margin_pct": "Margin %",
        "categories.col.return_rate": "Return rate",
        "categories.col.aov": "Avg. order value",
        "categories.col.growth": "Net revenue, last month vs previous",
        "categories.col.signal": "Market signal",
        "categories.col.signal_detail": "What the articles say (who, where, article and line)",
        "categories.col.articles": "Articles",
        "categories.col.claims": "Cited claims",
        "categories.col.step": "Step",
        "categories.col.usd": "Amount",
        "categories.col.flag": "Flag",
        "categories.col.product": "Product",
        "categories.col.name": "Name as exported",
        "categories.col.units": "Units sold",
        "categories.col.price": "Price / unit",
        "categories.col.fees": "Fees / unit",
        "categories.col.fulfilment": "Fulfilment / unit",
        "categories.col.cogs": "COGS / unit",
        "categories.col.commission": "Commission / unit",
        "categories.col.return_cost": "Return cost / unit",
        "categories.col.contribution_unit": "Contribution / unit",
        "categories.col.net_sales": "Net sales",
        "categories.charts.header": "Revenue, margin, returns and growth",
        "categories.chart.revenue": "Net revenue by category and channel",
        "categories.chart.margin_pct": "Contribution margin as % of net revenue",
        "categories.chart.return_rate": "Return rate (units returned / units sold; Amazon not in its export)",
        "categories.chart.growth": "Net revenue per month by category (all chosen channels)",
        "categories.charts.source": "Seller's own exports (TikTok Shop, Amazon, Shopify) with the costs of your catalogue and the platforms' published fees (seeds/reference/platform_fees.csv); mart_category_performance.",
        "categories.unit.percent": "%",
        "categories.waterfall.header": "From GMV to contribution",
        "categories.waterfall.category": "Category",
        "categories.waterfall.channel": "Channel",
        "categories.waterfall.chart": "Margin waterfall — {category} on {channel}",
        "categories.waterfall.gmv": "GMV",
        "categories.waterfall.discounts": "Discounts & cancellations",
        "categories.waterfall.refunds": "Refunds",
        "categories.waterfall.fees": "Platform fees",
        "categories.waterfall.fulfilment": "Fulfilment",
        "categories.waterfall.cogs": "COGS",
        "categories.waterfall.commission": "Creator commission",
        "categories.waterfall.ads": "Ads",
        "categories.waterfall.contribution": "Contribution",
        "categories.signals.header": "What the cited articles say about each category",
        "categories.signals.intro": "hot = named as selling strongly now; opportunity = named as promising; risk = a warning. Each line gives who says so, the market, the article id and the line (p<N>); see Sources.",
        "categories.products.header": "Products: unit economics and money losers",
        "categories.products.window": "Window (days, ending at the latest order)",
        "categories.products.window_help": "The published table covers the default window; another length is recomputed here from the order lines.",
        "categories.products.window_caption": "{start} to {end} · {losing} product × channel pairs lose money before ads",
        "categories.products.losing": "⚠ losing money",
        "categories.unmapped.header": "Products to complete in your catalogue",
        "categories.unmapped.intro": "These products sold but are not in your catalogue, have no unit cost (their margin reads “cost missing” and is left out of the totals) or no category (their sales sit under Unmapped). Run `tsw catalogue` or open the Catalogue page to complete them.",
    },
    "zh": {
        "page.categories": "品类",
        "categories.title": "哪些品类在哪个渠道赚钱",
        "categories.intro": "基于卖家自己的导出数据，按品类和渠道：净收入、扣除平台费用、达人佣金、履约、商品成本和 TikTok 广告后的贡献毛利、退货与增长，并列出引用文章对各品类的说法。金额为美元；月份按卖家时区（America/Los_Angeles）。",
        "categories.filter.channel": "渠道",
        "categories.filter.category": "品类",
        "categories.filter.period": "月份",
        "categories.filter.help": "留空则显示全部",
        "categories.filter.period_help": "订单数据截至 {latest}；默认截至最后一个完整月份，可自行调整。",
        "categories.channel.tiktok_shop": "TikTok Shop",
        "categories.channel.amazon": "亚马逊",
        "categories.channel.shopify": "Shopify",
        "categories.kpi.net_revenue": "净收入",
        "categories.kpi.margin": "贡献毛利",
        "categories.kpi.margin_pct": "毛利率",
        "categories.kpi.return_rate": "退货率（TikTok Shop、Shopify）",
        "categories.kpi.return_rate_help": "退货件数 / 售出件数。亚马逊订单报告不含退货，因此不计入。",
        "categories.table.header": "品类 × 渠道",
        "categories.col.category": "品类",
        "categories.col.channel": "渠道",
        "categories.col.net_revenue": "净收入",
        "categories.col.gmv": "GMV（平台口径）",
        "categories.col.margin": "贡献毛利",
        "categories.col.margin_pct": "毛利率",
        "categories.col.return_rate": "退货率",
        "categories.col.aov": "平均客单价",
        "categories.col.growth": "净收入，最后一个月环比",
        "categories.col.signal": "市场信号",
        "categories.col.signal_detail": "文章怎么说（出处、市场、文章与行）",
        "categories.col.articles": "文章",
        "categories.col.claims": "引用数据",
        "categories.col.step": "步骤",
        "categories.col.usd": "金额",
        "categories.col.flag": "标记",
        "categories.col.product": "商品",
        "categories.col.name": "导出中的名称",
        "categories.col.units": "售出件数",
        "categories.col.price": "单价",
        "categories.col.fees": "单件平台费",
        "categories.col.fulfilment": "单件履约成本",
        "categories.col.cogs": "单件商品成本",
        "categories.col.commission": "单件佣金",
        "categories.col.return_cost": "单件退货成本",
        "categories.col.contribution_unit": "单件贡献毛利",
        "categories.col.net_sales": "净销售额",
        "categories.charts.header": "收入、毛利、退货与增长",
        "categories.chart.revenue": "各品类、各渠道净收入",
        "categories.chart.margin_pct": "贡献毛利占净收入的百分比",
        "categories.chart.return_rate": "退货率（退货件数 / 售出件数；亚马逊导出不含退货）",
        "categories.chart.growth": "各品类每月净收入（所选渠道合计）",
        "categories.charts.source": "卖家自己的导出数据（TikTok Shop、亚马逊、Shopify），成本取自您的商品目录，费用取自各平台公布的费率（seeds/reference/platform_fees.csv）；mart_category_performance。",
        "categories.unit.percent": "%",
        "categories.waterfall.header": "从 GMV 到贡献毛利",
        "categories.waterfall.category": "品类",
        "categories.waterfall.channel": "渠道",
        "categories.waterfall.chart": "毛利瀑布图——{category}，{channel}",
        "categories.waterfall.gmv": "GMV",
        "categories.waterfall.discounts": "折扣与取消",
        "categories.waterfall.refunds": "退款",
        "categories.waterfall.fees": "平台费用",
        "categories.waterfall.fulfilment": "履约",
        "categories.waterfall.cogs": "商品成本",
        "categories.waterfall.commission": "达人佣金",
        "categories.waterfall.ads": "广告",
        "categories.waterfall.contribution": "贡献毛利",
        "categories.signals.header": "引用文章对各品类的说法",
        "categories.signals.intro": "hot = 被称为当前热销；opportunity = 被称为有潜力；risk = 风险提示。每行给出出处、市场、文章编号和行号（p<N>）；见“来源”页。",
        "categories.products.header": "商品：单件经济与亏损商品",
        "categories.products.window": "统计窗口（天，截至最新订单）",
        "categories.products.window_help": "已发布的表按默认窗口计算；选择其他天数时在此由订单行重新计算。",
        "categories.products.window_caption": "{start} 至 {end} · {losing} 个商品 × 渠道组合在广告前亏损",
        "categories.products.losing": "⚠ 亏损",
        "categories.unmapped.header": "需要在商品目录中补全的商品",
        "categories.unmapped.intro": "这些商品有销售，但不在您的商品目录中、没有单位成本（毛利显示“缺少成本”，不计入合计）或没有品类（销售归入“未归类”）。运行 `tsw catalogue` 或打开“商品目录”页面补全。",
    },
}
for _lang, _messages in _CATEGORIES_MESSAGES.items():
    MESSAGES[_lang].update(_messages)


# ---------------------------------------------------------------------------------------------
# Operations pages (Overview, Data quality, SQL). Kept in their own block, merged into the
# catalogues above, so pages added by other people never edit the same lines.
# ---------------------------------------------------------------------------------------------
_OPERATIONS_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "page.overview": "Overview",
        "page.data_quality": "Data quality",
        "page.sql": "SQL",
        "overview.title": "Overview: freshness, headline numbers, what changed",
        "overview.intro": "How current every source is, the warehouse in five numbers, and what the last build "
        "loaded. All of it reads the last published build.",
        "overview.source_line": "Source: {table} in the build published {when} UTC",
        "overview.kpi.header": "Headline numbers",
        "overview.kpi.figures": "Market figures",
        "overview.kpi.claims": "Cited claims",
        "overview.kpi.files": "Export files loaded",
        "overview.kpi.rows": "Export rows loaded",
        "overview.kpi.checks_failing": "Checks failing",
        "overview.kpi.checks_help": "Latest result of each of the {n} checks recorded by Dagster",
        "overview.freshness.header": "Freshness of every source",
        "overview.freshness.intro": "Last load of each raw table; a source not loaded within {hours} hours is "
        "stale (the daily build loads every source each morning).",
        "overview.col.status": "Status",
        "overview.col.source": "Source",
        "overview.col.source_type": "Kind",
        "overview.col.last_loaded": "Last loaded (UTC)",
        "overview.col.age": "Age",
        "overview.col.rows": "Rows",
        "overview.col.files": "Files loaded",
        "overview.col.files_quarantined": "Files quarantined",
        "overview.col.newest_period": "Newest day covered",
        "overview.status.fresh": "fresh",
        "overview.status.stale": "stale",
        "overview.status.never": "never loaded",
        "overview.status.old_data": "old data",
        "overview.freshness.data_intro": "A seller export whose newest day is more than {days} days old is stale too, "
        "however recently it was loaded: download a newer export.",
        "overview.kpi.checks_warn_help": "Latest result of each of the {n} checks recorded by Dagster; {w} more did "
        "not pass with warning severity (listed on the Data quality page)",
        "overview.type.seller_export": "Seller export",
        "overview.type.article_registry": "Article registry",
        "overview.type.reference": "Reference table",
        "overview.age.minutes": "{n} min",
        "overview.age.hours": "{n} h",
        "overview.age.days": "{n} days",
        "overview.changes.header": "What changed in the last build",
        "overview.changes.first_build": "No earlier build is recorded: everything below arrived with the first one.",
        "overview.changes.since": "Files loaded after the previous build ({previous} UTC), up to the latest "
        "({latest} UTC).",
        "overview.changes.none": "The last build loaded no new export file: the data is as before.",
        "overview.changes.unknown_kind": "not recognised",
        "overview.changes.rows_loaded": "Rows loaded",
        "overview.changes.rows_quarantined": "Rows quarantined",
        "overview.changes.chart": "Rows loaded and quarantined in the last build, by export kind",
        "overview.unit.rows": "Rows",
        "quality.title": "Data quality",
        "quality.intro": "Every file the loader saw and where each of its rows went, what was quarantined and "
        "why, and the latest result of every check (dbt tests, Great Expectations suites, freshness).",
        "quality.source_line": "Source: {what} in the build published {when} UTC",
        "quality.kpi.files_loaded": "Files loaded",
        "quality.kpi.files_quarantined": "Files quarantined",
        "quality.kpi.rows_quarantined": "Rows quarantined",
        "quality.kpi.checks_passing": "Checks passing",
        "quality.kpi.checks_failing": "Checks failing",
        "quality.log.header": "Load log: row accounting per file",
        "quality.log.intro": "For every loaded file, rows read = rows loaded + rows quarantined.",
        "quality.log.none": "No export file has been loaded yet.",
        "quality.log.accounting_broken": "Row accounting does not add up for: {files}",
        "quality.col.status": "Status",
        "quality.col.file": "File",
        "quality.col.kind": "Export kind",
        "quality.col.loaded_at": "Loaded (UTC)",
        "quality.col.rows_read": "Rows read",
        "quality.col.rows_loaded": "Rows loaded",
        "quality.col.rows_quarantined": "Rows quarantined",
        "quality.col.adds_up": "Adds up",
        "quality.col.period": "Period",
        "quality.col.message": "Message",
        "quality.col.rule": "Rule",
        "quality.col.reason": "Reason",
        "quality.col.files": "Files",
        "quality.col.example_reason": "Example reason",
        "quality.col.row_number": "Row",
        "quality.col.original_values": "Values as read (personal data masked)",
        "quality.col.result": "Result",
        "quality.col.asset": "Asset",
        "quality.col.check": "Check",
        "quality.col.severity": "Severity",
        "quality.col.evaluated_at": "Evaluated (UTC)",
        "quality.col.detail": "Detail",
        "quality.status.loaded": "loaded",
        "quality.status.duplicate": "duplicate (already loaded)",
        "quality.status.quarantined_file": "quarantined",
        "quality.quarantine.header": "Quarantine",
        "quality.quarantine.files": "Quarantined files",
        "quality.quarantine.no_files": "No file was quarantined.",
        "quality.quarantine.folder": "Quarantined files are kept in {folder}, each with a .reason.txt beside it.",
        "quality.quarantine.rows": "Quarantined rows",
        "quality.quarantine.no_rows": "No row was quarantined.",
        "quality.quarantine.chart": "Quarantined rows by rule and export kind",
        "quality.unit.rows": "Rows",
        "quality.quarantine.file_filter": "File",
        "quality.quarantine.all_files": "All files",
        "quality.quarantine.capped": "Showing the newest {n} quarantined rows.",
        "quality.checks.header": "Latest check results",
        "quality.checks.intro": "The latest evaluation of every check recorded in the Dagster instance — by "
        "`tsw build`, the daily schedule, the inbox sensor or a run started in the Dagster UI.",
        "quality.checks.none": "No check result recorded yet: run `tsw build`.",
        "quality.checks.only_failing": "Only failing checks",
        "quality.check.passed": "passed",
        "quality.check.failed": "failed",
        "quality.check.warning": "warning",
        "quality.severity.WARN": "warning",
        "quality.severity.ERROR": "error",
        "quality.kpi.warnings": "{n} warnings",
        "quality.checks.source_line": "Source: the Dagster instance's asset-check history ($TSW_HOME/dagster)",
        "sql.title": "SQL on the warehouse",
        "sql.intro": "Query the last published build. Read-only: a query cannot change data, read or write files, "
        "reach the network, load extensions or change settings.",
        "sql.rules": "One statement (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); at most {rows} rows are "
        "shown, and a query is stopped after {seconds} seconds.",
        "sql.query": "Query",
        "sql.run": "Run",
        "sql.truncated": "Only the first {rows} rows are shown; aggregate or add a LIMIT.",
        "sql.row_count": "{n} rows",
        "sql.schema.header": "Schema: the marts",
        "sql.schema.intro": "{n} tables, with dbt's description of every column.",
        "sql.schema.none": "The published build has no marts yet.",
        "sql.schema.no_description": "no description",
        "sql.col.column": "Column",
        "sql.col.type": "Type",
        "sql.col.description": "Description",
    },
    "zh": {
        "page.overview": "概览",
        "page.data_quality": "数据质量",
        "page.sql": "SQL 查询",
        "overview.title": "概览：新鲜度、核心数字、本次变化",
        "overview.intro": "各数据源的更新程度、用五个数字概括的数据仓库，以及最近一次构建载入了什么。全部读取最近发布的构建。",
        "overview.source_line": "来源：{when} UTC 发布的构建中的 {table}",
        "overview.kpi.header": "核心数字",
        "overview.kpi.figures": "市场数值",
        "overview.kpi.claims": "引用数据",
        "overview.kpi.files": "已载入导出文件",
        "overview.kpi.rows": "已载入导出行数",
        "overview.kpi.checks_failing": "未通过的检查",
        "overview.kpi.checks_help": "Dagster 记录的 {n} 项检查各自的最新结果",
        "overview.freshness.header": "各数据源新鲜度",
        "overview.freshness.intro": "每张原始表的最近载入时间；超过 {hours} 小时未载入即视为过期（每日构建每天早上载入全部数据源）。",
        "overview.col.status": "状态",
        "overview.col.source": "数据源",
        "overview.col.source_type": "类型",
        "overview.col.last_loaded": "最近载入（UTC）",
        "overview.col.age": "距今",
        "overview.col.rows": "行数",
        "overview.col.files": "已载入文件",
        "overview.col.files_quarantined": "已隔离文件",
        "overview.col.newest_period": "覆盖的最新一天",
        "overview.status.fresh": "新鲜",
        "overview.status.stale": "过期",
        "overview.status.never": "从未载入",
        "overview.status.old_data": "数据过旧",
        "overview.freshness.data_intro": "卖家导出中最新一天早于 {days} 天前的，无论何时载入也视为过期：请下载更新的导出。",
        "overview.kpi.checks_warn_help": "Dagster 记录的 {n} 项检查各自的最新结果；另有 {w} 项以警告级别未通过（见数据质量页）",
        "overview.type.seller_export": "卖家导出",
        "overview.type.article_registry": "文章登记表",
        "overview.type.reference": "参考表",
        "overview.age.minutes": "{n} 分钟",
        "overview.age.hours": "{n} 小时",
        "overview.age.days": "{n} 天",
        "overview.changes.header": "最近一次构建的变化",
        "overview.changes.first_build": "没有更早的构建记录：以下内容均随第一次构建载入。",
        "overview.changes.since": "上一次构建（{previous} UTC）之后至最近一次构建（{latest} UTC）载入的文件。",
        "overview.changes.none": "最近一次构建没有载入新的导出文件：数据与之前相同。",
        "overview.changes.unknown_kind": "未识别",
        "overview.changes.rows_loaded": "已载入行数",
        "overview.changes.rows_quarantined": "已隔离行数",
        "overview.changes.chart": "最近一次构建按导出类型载入与隔离的行数",
        "overview.unit.rows": "行数",
        "quality.title": "数据质量",
        "quality.intro": "载入程序见到的每个文件及其每一行的去向、被隔离的内容及原因，以及每项检查（dbt 测试、"
        "Great Expectations 套件、新鲜度）的最新结果。",
        "quality.source_line": "来源：{when} UTC 发布的构建中的 {what}",
        "quality.kpi.files_loaded": "已载入文件",
        "quality.kpi.files_quarantined": "已隔离文件",
        "quality.kpi.rows_quarantined": "已隔离行数",
        "quality.kpi.checks_passing": "通过的检查",
        "quality.kpi.checks_failing": "未通过的检查",
        "quality.log.header": "载入日志：逐文件行数核对",
        "quality.log.intro": "每个已载入文件都应满足：读取行数 = 载入行数 + 隔离行数。",
        "quality.log.none": "尚未载入任何导出文件。",
        "quality.log.accounting_broken": "以下文件行数核对不相符：{files}",
        "quality.col.status": "状态",
        "quality.col.file": "文件",
        "quality.col.kind": "导出类型",
        "quality.col.loaded_at": "载入时间（UTC）",
        "quality.col.rows_read": "读取行数",
        "quality.col.rows_loaded": "载入行数",
        "quality.col.rows_quarantined": "隔离行数",
        "quality.col.adds_up": "核对相符",
        "quality.col.period": "期间",
        "quality.col.message": "信息",
        "quality.col.rule": "规则",
        "quality.col.reason": "原因",
        "quality.col.files": "文件数",
        "quality.col.example_reason": "原因示例",
        "quality.col.row_number": "行号",
        "quality.col.original_values": "读取到的值（个人信息已遮蔽）",
        "quality.col.result": "结果",
        "quality.col.asset": "资产",
        "quality.col.check": "检查",
        "quality.col.severity": "严重程度",
        "quality.col.evaluated_at": "评估时间（UTC）",
        "quality.col.detail": "详情",
        "quality.status.loaded": "已载入",
        "quality.status.duplicate": "重复（已载入过）",
        "quality.status.quarantined_file": "已隔离",
        "quality.quarantine.header": "隔离区",
        "quality.quarantine.files": "被隔离的文件",
        "quality.quarantine.no_files": "没有文件被隔离。",
        "quality.quarantine.folder": "被隔离的文件保存在 {folder}，每个文件旁附有 .reason.txt 说明原因。",
        "quality.quarantine.rows": "被隔离的行",
        "quality.quarantine.no_rows": "没有行被隔离。",
        "quality.quarantine.chart": "按规则与导出类型统计的隔离行数",
        "quality.unit.rows": "行数",
        "quality.quarantine.file_filter": "文件",
        "quality.quarantine.all_files": "全部文件",
        "quality.quarantine.capped": "仅显示最新的 {n} 条隔离行。",
        "quality.checks.header": "最新检查结果",
        "quality.checks.intro": "Dagster 实例记录的每项检查的最新评估——来自 `tsw build`、每日计划、收件箱传感器或在 Dagster "
        "界面中启动的运行。",
        "quality.checks.none": "尚无检查结果记录：请运行 `tsw build`。",
        "quality.checks.only_failing": "仅显示未通过的检查",
        "quality.check.passed": "通过",
        "quality.check.failed": "未通过",
        "quality.check.warning": "警告",
        "quality.severity.WARN": "警告",
        "quality.severity.ERROR": "错误",
        "quality.kpi.warnings": "另有 {n} 项警告",
        "quality.checks.source_line": "来源：Dagster 实例的资产检查历史（$TSW_HOME/dagster）",
        "sql.title": "在数据仓库上运行 SQL",
        "sql.intro": "查询最近发布的构建。只读：查询不能修改数据、读写文件、访问网络、加载扩展或更改设置。",
        "sql.rules": "每次一条语句（SELECT、WITH、DESCRIBE、SHOW、SUMMARIZE、EXPLAIN）；最多显示 {rows} 行，"
        "查询超过 {seconds} 秒即被停止。",
        "sql.query": "查询",
        "sql.run": "运行",
        "sql.truncated": "仅显示前 {rows} 行；请先汇总或加上 LIMIT。",
        "sql.row_count": "{n} 行",
        "sql.schema.header": "结构：数据集市",
        "sql.schema.intro": "{n} 张表，附 dbt 对每一列的说明。",
        "sql.schema.none": "已发布的构建中还没有数据集市。",
        "sql.schema.no_description": "无说明",
        "sql.col.column": "列",
        "sql.col.type": "类型",
        "sql.col.description": "说明",
    },
}
for _lang, _messages in _OPERATIONS_MESSAGES.items():
    MESSAGES[_lang].update(_messages)


# ---------------------------------------------------------------------------------------------
# Spillover page (views/spillover.py)
# ---------------------------------------------------------------------------------------------
_SPILLOVER_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "page.spillover": "Spillover",
        "spill.title": "Does TikTok Shop lift Amazon and Shopify sales?",
        "spill.intro": "Extra sales on Amazon and on your own Shopify store that follow TikTok Shop sales, "
        "estimated from your own exports, day by day. Figures are USD of extra sales per $1 of TikTok Shop GMV.",
        "spill.empty": "No spillover estimates in this build yet — the estimates are computed after the daily "
        "panel; run `tsw build` again once TikTok and Amazon or Shopify exports are loaded.",
        "spill.select.group": "Product group",
        "spill.select.channel": "Channel",
        "spill.group.all": "All products promoted on TikTok",
        "spill.category.beauty_personal_care": "Beauty & Personal Care",
        "spill.category.health": "Health",
        "spill.category.womenswear": "Womenswear & Underwear",
        "spill.category.sports_outdoor": "Sports & Outdoor",
        "spill.category.phone_electronics_accessories": "Phone & Electronics Accessories",
        "spill.category.home": "Home Supplies",
        "spill.channel.amazon": "Amazon",
        "spill.channel.shopify": "Shopify",
        "spill.headline": "{group} → {channel}",
        "spill.per_dollar": "{x} per $1",
        "spill.days": "{n} days",
        "spill.kpi.estimate": "Modelled spillover",
        "spill.kpi.estimate_help": "Distributed-lag regression: extra channel sales over the 14 days after $1 of "
        "TikTok Shop GMV, after weekday patterns, trend, events and the sales of never-promoted products.",
        "spill.kpi.interval": "95% interval",
        "spill.kpi.floor": "Traceable floor",
        "spill.kpi.floor_help": "Orders that carry a TikTok creator code, utm note or tag ({orders} orders); "
        "{synced} TikTok Shop orders synced into Shopify are left out. A lower bound.",
        "spill.kpi.no_floor": "No order-level attribution data for this channel (Amazon Attribution is not loaded).",
        "spill.kpi.peak_lag": "Largest effect after",
        "spill.per_views": "About {x} of extra sales per 1,000 TikTok views (at your average GMV per view).",
        "spill.event_ratio": "Event study (before/after TikTok spikes): {x}, interval {interval}.",
        "spill.meaning": "What it means:",
        "spill.diagnostics": "Diagnostics",
        "spill.reason.too_few_days": "fewer than 120 days",
        "spill.reason.too_little_variation": "TikTok sales vary too little",
        "spill.reason.too_few_spikes": "fewer than 3 TikTok sales spikes",
        "spill.verdict.sufficient": "Enough data: {days} days with varied TikTok sales and several spikes.",
        "spill.verdict.thin": "Thin data ({reasons}; {days} days): read the interval, not the point.",
        "spill.verdict.placebo_passed": "Placebo passed: future TikTok sales do not 'predict' today's sales.",
        "spill.verdict.placebo_failed": "Placebo failed: future TikTok sales also 'predict' today's sales "
        "(interval {low} to {high}) — a shared driver; treat the figure as an upper bound.",
        "spill.verdict.placebo_missing": "No placebo: the regression could not be fitted.",
        "spill.verdict.confounded": "Warning: TikTok and channel sales rise and fall together over the season and "
        "no control series was available — the figure may be too high.",
        "spill.verdict.not_confounded": "Seasonality: controlled (never-promoted products' sales or no shared season).",
        "spill.verdict.includes_zero": "The interval includes zero: no spillover is shown for this channel.",
        "spill.no_estimate": "No regression estimate for this channel.",
        "spill.no_lags": "Not enough days for a lag profile.",
        "spill.no_spikes": "No TikTok sales spike in this group by the event-study rule (the first day at the "
        "95th percentile after a week below the median) — no event-study chart.",
        "spill.chart.estimate": "Modelled spillover (95% interval)",
        "spill.chart.floor": "Traceable floor",
        "spill.chart.estimates_title": "Extra {channel} sales per $1 of TikTok Shop GMV, by product group",
        "spill.chart.correlation": "Correlation",
        "spill.chart.peak": "Strongest",
        "spill.chart.lag_title": "Timing: {channel} vs TikTok sales N days earlier",
        "spill.chart.event_title": "Around TikTok sales spikes (average of {n})",
        "spill.chart.excess_target": "Extra {channel} sales",
        "spill.chart.excess_tiktok": "Extra TikTok GMV",
        "spill.unit.per_dollar": "USD per $1 of TikTok GMV",
        "spill.unit.correlation": "Correlation, seasons removed (−1 to 1)",
        "spill.axis.lag_days": "Days after the TikTok sale",
        "spill.axis.days_from_spike": "Days from the spike",
        "spill.axis.target_usd": "Extra {channel} sales, USD/day",
        "spill.axis.tiktok_usd": "Extra TikTok GMV, USD/day",
        "spill.source": "Source: your TikTok Shop, Amazon and Shopify exports (marts.mart_channel_daily and the "
        "spillover marts)",
        "spill.all_methods": "Every method for this group",
        "spill.col.channel": "Channel",
        "spill.col.method": "Method",
        "spill.col.estimate": "Estimate",
        "spill.col.interval": "95% interval",
        "spill.col.peak_lag": "Peak lag (days)",
        "spill.col.warnings": "Warnings",
        "spill.method.regression_dl": "Regression (distributed lag)",
        "spill.method.event_study": "Event study (spikes)",
        "spill.method.lag_correlation": "Lag correlation",
        "spill.method.header": "How this is estimated, and what it cannot tell you",
        "spill.method.body": "**Regression.** Each day's channel sales are explained by TikTok Shop GMV on that "
        "day and the 14 days before, plus weekday, a smooth trend, Prime Day, BFCM, promotions, stock-outs and "
        "the same channel's sales of products never promoted on TikTok (they share the season but not the "
        "TikTok push). The sum of the 15 daily effects is the spillover; its interval allows for sales that "
        "stay high or low for several days.\n\n"
        "**Placebo.** The same model also gets the *next* 14 days of TikTok sales, which cannot cause today's "
        "sales; if they seem to, something else drives both.\n\n"
        "**Event study.** Around each TikTok sales spike, channel sales in the 15 days from the spike are "
        "compared with the 14 days before. Simple and visual, but anything else that changed at the same "
        "time is counted too.\n\n"
        "**Traceable floor.** Shopify orders with a TikTok creator code, utm note or tag — sales that "
        "certainly came from TikTok, without the TikTok Shop orders synced into Shopify. The true spillover "
        "is at least this.\n\n"
        "**What it cannot claim.** These are associations in your own data, not experiments: a cause that "
        "moves with your TikTok sales (a competitor's stock-out, a press mention) would be counted. Groups "
        "weigh products whose TikTok sales swing the most. Days are US Pacific days.",
    },
    "zh": {
        "page.spillover": "渠道外溢",
        "spill.title": "TikTok Shop 能带动亚马逊和 Shopify 的销售吗？",
        "spill.intro": "根据您自己的导出数据逐日估算：TikTok Shop 销售之后，亚马逊和自营 Shopify 店铺多出来的销售额。"
        "单位为每 1 美元 TikTok Shop GMV 带来的额外销售额（美元）。",
        "spill.empty": "本次构建还没有外溢估计——估计在日度面板之后计算；载入 TikTok 以及亚马逊或 Shopify 导出后请再运行 `tsw build`。",
        "spill.select.group": "商品组",
        "spill.select.channel": "渠道",
        "spill.group.all": "所有在 TikTok 推广过的商品",
        "spill.category.beauty_personal_care": "美妆个护",
        "spill.category.health": "健康保健",
        "spill.category.womenswear": "女装内衣",
        "spill.category.sports_outdoor": "运动户外",
        "spill.category.phone_electronics_accessories": "手机数码配件",
        "spill.category.home": "家居用品",
        "spill.channel.amazon": "亚马逊",
        "spill.channel.shopify": "Shopify",
        "spill.headline": "{group} → {channel}",
        "spill.per_dollar": "{x}/美元",
        "spill.days": "{n} 天",
        "spill.kpi.estimate": "模型估计的外溢（每 1 美元 GMV）",
        "spill.kpi.estimate_help": "分布滞后回归：1 美元 TikTok Shop GMV 之后 14 天内该渠道多出的销售额，已扣除星期规律、"
        "趋势、大促活动以及从未在 TikTok 推广的商品的销售。",
        "spill.kpi.interval": "95% 区间",
        "spill.kpi.floor": "可追溯下限",
        "spill.kpi.floor_help": "带有 TikTok 达人折扣码、utm 备注或标签的订单（{orders} 单）；已剔除同步到 Shopify 的 "
        "{synced} 笔 TikTok Shop 订单。这是下限。",
        "spill.kpi.no_floor": "该渠道没有订单级归因数据（未载入 Amazon Attribution）。",
        "spill.kpi.peak_lag": "效果最大出现在",
        "spill.per_views": "约合每 1,000 次 TikTok 观看带来 {x} 额外销售额（按您的平均每次观看 GMV）。",
        "spill.event_ratio": "事件研究（TikTok 销售高峰前后）：{x}，区间 {interval}。",
        "spill.meaning": "含义：",
        "spill.diagnostics": "诊断",
        "spill.reason.too_few_days": "不足 120 天",
        "spill.reason.too_little_variation": "TikTok 销售波动太小",
        "spill.reason.too_few_spikes": "TikTok 销售高峰少于 3 次",
        "spill.verdict.sufficient": "数据充足：{days} 天，TikTok 销售有波动且有多次高峰。",
        "spill.verdict.thin": "数据偏少（{reasons}；{days} 天）：请看区间而不是点估计。",
        "spill.verdict.placebo_passed": "安慰剂检验通过：未来的 TikTok 销售不能“预测”今天的销售。",
        "spill.verdict.placebo_failed": "安慰剂检验未通过：未来的 TikTok 销售也能“预测”今天的销售（区间 {low} 至 {high}）"
        "——存在共同驱动因素，请把该数字视为上限。",
        "spill.verdict.placebo_missing": "没有安慰剂检验：回归无法拟合。",
        "spill.verdict.confounded": "警告：TikTok 与该渠道销售随季节同涨同落，且没有对照序列——数字可能偏高。",
        "spill.verdict.not_confounded": "季节性：已控制（未推广商品的销售或不存在共同季节性）。",
        "spill.verdict.includes_zero": "区间包含零：该渠道未显示外溢。",
        "spill.no_estimate": "该渠道没有回归估计。",
        "spill.no_lags": "天数不足，无法计算滞后曲线。",
        "spill.no_spikes": "按事件研究规则（中位数以下一周后首次达到第 95 百分位）该组没有 TikTok 销售高峰——无事件研究图。",
        "spill.chart.estimate": "模型估计的外溢（95% 区间）",
        "spill.chart.floor": "可追溯下限",
        "spill.chart.estimates_title": "每 1 美元 TikTok Shop GMV 带来的{channel}额外销售额（按商品组）",
        "spill.chart.correlation": "相关系数",
        "spill.chart.peak": "最强",
        "spill.chart.lag_title": "时间关系：{channel}销售与 N 天前的 TikTok 销售",
        "spill.chart.event_title": "TikTok 销售高峰前后（{n} 次平均）",
        "spill.chart.excess_target": "{channel}额外销售额",
        "spill.chart.excess_tiktok": "TikTok 额外 GMV",
        "spill.unit.per_dollar": "每 1 美元 TikTok GMV 对应的美元",
        "spill.unit.correlation": "去除季节性后的相关系数（−1 至 1）",
        "spill.axis.lag_days": "TikTok 销售之后的天数",
        "spill.axis.days_from_spike": "距高峰的天数",
        "spill.axis.target_usd": "{channel}额外销售额（美元/天）",
        "spill.axis.tiktok_usd": "TikTok 额外 GMV（美元/天）",
        "spill.source": "来源：您的 TikTok Shop、亚马逊和 Shopify 导出数据（marts.mart_channel_daily 及外溢数据表）",
        "spill.all_methods": "该组的所有方法",
        "spill.col.channel": "渠道",
        "spill.col.method": "方法",
        "spill.col.estimate": "估计值",
        "spill.col.interval": "95% 区间",
        "spill.col.peak_lag": "峰值滞后（天）",
        "spill.col.warnings": "警告",
        "spill.method.regression_dl": "回归（分布滞后）",
        "spill.method.event_study": "事件研究（高峰）",
        "spill.method.lag_correlation": "滞后相关",
        "spill.method.header": "估算方法，以及它不能说明什么",
        "spill.method.body": "**回归。** 每天的渠道销售由当天及之前 14 天的 TikTok Shop GMV 解释，同时控制星期、平滑趋势、"
        "Prime Day、黑五网一、促销、断货，以及同一渠道中从未在 TikTok 推广的商品的销售（它们有相同的季节性，但没有 TikTok "
        "推动）。15 个日效应之和即外溢；其区间考虑了销售连续多天偏高或偏低的情况。\n\n"
        "**安慰剂检验。** 同一模型再加入*之后* 14 天的 TikTok 销售——它们不可能导致今天的销售；如果看起来有关，说明有别的因素同时驱动两者。\n\n"
        "**事件研究。** 在每次 TikTok 销售高峰前后，比较高峰起 15 天的渠道销售与之前 14 天。直观，但同期发生的其他变化也会被计入。\n\n"
        "**可追溯下限。** 带有 TikTok 达人折扣码、utm 备注或标签的 Shopify 订单——确定来自 TikTok 的销售，已剔除同步到 "
        "Shopify 的 TikTok Shop 订单。真实外溢至少有这么多。\n\n"
        "**不能说明什么。** 这些是您自己数据中的关联，不是实验：任何与 TikTok 销售同时变化的原因（竞争对手断货、媒体报道）"
        "都会被计入。商品组中 TikTok 销售波动最大的商品权重最大。日期按美国太平洋时间。",
    },
}

for _lang, _messages in _SPILLOVER_MESSAGES.items():
    MESSAGES[_lang].update(_messages)

# ---------------------------------------------------------------------------------------------
# Download headers: raw column names a table's CSV/Excel download holds and no page column labels.
# (name: English, 中文); merged as `dl.col.<name>`. components.column_label looks here last.
# ---------------------------------------------------------------------------------------------
_DOWNLOAD_COLUMNS: dict[str, tuple[str, str]] = {
    "ad_spend_usd": ("Ad spend (USD)", "广告花费（美元）"),
    "affiliate_commission_usd": ("Affiliate commission (USD)", "达人佣金（美元）"),
    "age_hours": ("Age (hours)", "距今（小时）"),
    "amazon_seller_sku": ("Amazon seller SKU", "亚马逊卖家 SKU"),
    "any_forecast": ("Includes forecasts", "含预测"),
    "article_terms": ("Article terms", "文章用语"),
    "article_title": ("Article title", "文章标题"),
    "asin": ("ASIN", "亚马逊商品编号（ASIN）"),
    "author": ("Author", "作者"),
    "avg_order_value_usd": ("Average order value (USD)", "平均订单金额（美元）"),
    "batch_id": ("Batch id", "批次编号"),
    "cancelled_orders": ("Cancelled orders", "取消订单数"),
    "category_id": ("Category", "品类"),
    "category_name": ("Category name", "品类名称"),
    "category_name_zh": ("Category name (Chinese)", "品类名称（中文）"),
    "channels_sold": ("Channels sold on", "销售渠道"),
    "check_name": ("Check", "检查"),
    "ci_high": ("Interval high", "区间上限"),
    "ci_low": ("Interval low", "区间下限"),
    "cogs_per_unit_usd": ("Cost of goods per unit (USD)", "单件商品成本（美元）"),
    "cogs_usd": ("Cost of goods (USD)", "商品成本（美元）"),
    "commission_per_unit_usd": ("Commission per unit (USD)", "单件佣金（美元）"),
    "confounding_warning": ("Confounding warning", "混杂因素警告"),
    "contribution_margin_pct": ("Contribution margin (share)", "贡献毛利率"),
    "contribution_margin_usd": ("Contribution margin (USD)", "贡献毛利（美元）"),
    "contribution_per_unit_usd": ("Contribution per unit (USD)", "单件贡献（美元）"),
    "contribution_usd": ("Contribution (USD)", "贡献（美元）"),
    "days_of_data": ("Days of data", "数据天数"),
    "document_file": ("Document file", "文档文件"),
    "encoding": ("Encoding", "编码"),
    "estimate_per_1000_views": ("Estimate per 1,000 views", "每千次观看估计值"),
    "explanation": ("Explanation (English)", "解读（英文）"),
    "explanation_zh": ("Explanation (Chinese)", "解读（中文）"),
    "exported_at": ("Exported at", "导出时间"),
    "fees_per_unit_usd": ("Fees per unit (USD)", "单件费用（美元）"),
    "file_name": ("File", "文件"),
    "files_loaded": ("Files loaded", "已加载文件数"),
    "first_order_date": ("First order date", "首单日期"),
    "freshness": ("Freshness", "新鲜度"),
    "fulfilment_cost_usd": ("Fulfilment cost (USD)", "履约成本（美元）"),
    "fulfilment_per_unit_usd": ("Fulfilment per unit (USD)", "单件履约成本（美元）"),
    "fx_rate_used": ("FX rate used", "所用汇率"),
    "gmv_usd": ("GMV (USD)", "GMV（美元）"),
    "has_conflict": ("Claims conflict", "引用相互矛盾"),
    "high_normalized": ("High (normalized)", "上限（标准化）"),
    "hot_in": ("Hot in", "热门地区"),
    "input_claim_ids": ("Input claims", "输入引用"),
    "inputs_description": ("Inputs", "输入说明"),
    "is_forecast": ("Forecast", "预测"),
    "is_in_taxonomy": ("In the taxonomy", "在品类体系中"),
    "is_losing_money": ("Losing money", "亏损"),
    "is_mapped_product": ("In the product map", "在商品映射中"),
    "last_loaded_at": ("Last loaded at", "最近加载时间"),
    "last_order_date": ("Last order date", "最近订单日期"),
    "low_normalized": ("Low (normalized)", "下限（标准化）"),
    "market_signal": ("Market signal", "市场信号"),
    "market_signal_detail": ("Market signal detail", "市场信号详情"),
    "net_revenue_mom_growth": ("Net revenue growth on the month before", "净收入环比增长"),
    "net_revenue_usd": ("Net revenue (USD)", "净收入（美元）"),
    "net_sales_usd": ("Net sales (USD)", "净销售额（美元）"),
    "newest_period_end": ("Newest period end", "最新周期结束日"),
    "normalized_unit": ("Unit", "单位"),
    "off_site_effect_ratio": ("Off-site effect ratio", "站外效应比"),
    "opportunity_in": ("Opportunity in", "机会地区"),
    "orders": ("Orders", "订单数"),
    "passed": ("Passed", "通过"),
    "peak_lag_days": ("Peak lag (days)", "峰值滞后（天）"),
    "period_end": ("Period end", "周期结束"),
    "period_start": ("Period start", "周期开始"),
    "period_year": ("Year", "年份"),
    "placebo_ci_high": ("Placebo interval high", "安慰剂区间上限"),
    "placebo_ci_low": ("Placebo interval low", "安慰剂区间下限"),
    "placebo_estimate": ("Placebo estimate", "安慰剂估计值"),
    "placebo_passed": ("Placebo passed", "安慰剂检验通过"),
    "platform_discount_usd": ("Platform discount (USD)", "平台折扣（美元）"),
    "platform_fees_usd": ("Platform fees (USD)", "平台费用（美元）"),
    "price_per_unit_usd": ("Price per unit (USD)", "单价（美元）"),
    "product_group": ("Product group", "商品组"),
    "product_id": ("Product id", "商品编号"),
    "product_name": ("Product name", "商品名称"),
    "qualifier": ("Qualifier", "限定说明"),
    "recomputed_value": ("Recomputed value", "重算值"),
    "relative_deviation": ("Relative deviation", "相对偏差"),
    "return_cost_per_unit_usd": ("Return cost per unit (USD)", "单件退货成本（美元）"),
    "return_refunds_usd": ("Return refunds (USD)", "退货退款（美元）"),
    "risk_in": ("Risk in", "风险地区"),
    "rows_add_up": ("Rows add up", "行数对得上"),
    "run_id": ("Run id", "运行编号"),
    "seller_discount_usd": ("Seller discount (USD)", "卖家折扣（美元）"),
    "sha256": ("File hash (SHA-256)", "文件哈希（SHA-256）"),
    "shopify_sku": ("Shopify SKU", "Shopify SKU 编码"),
    "signal_claim_ids": ("Signal claims", "信号引用"),
    "signal_source_ids": ("Signal sources", "信号来源"),
    "source_file": ("Source file", "来源文件"),
    "source_ids": ("Sources", "来源"),
    "stated_claim_id": ("Stated claim", "所述引用"),
    "stated_value": ("Stated value", "所述数值"),
    "sufficiency_verdict": ("Data sufficiency", "数据充分性"),
    "table_name": ("Table", "数据表"),
    "table_rows": ("Table rows", "表行数"),
    "target_channel": ("Channel", "渠道"),
    "tiktok_seller_sku": ("TikTok seller SKU", "TikTok 卖家 SKU"),
    "tiktok_sku_id": ("TikTok SKU id", "TikTok SKU 编号"),
    "unit": ("Unit", "单位"),
    "units_returned": ("Units returned", "退货件数"),
    "units_sold": ("Units sold", "售出件数"),
    "value_high": ("High", "上限"),
    "value_low": ("Low", "下限"),
    "window_days": ("Window (days)", "窗口（天）"),
    "window_end": ("Window end", "窗口结束"),
    "window_start": ("Window start", "窗口开始"),
}
for _name, (_en, _zh) in _DOWNLOAD_COLUMNS.items():
    MESSAGES["en"].setdefault(f"dl.col.{_name}", _en)
    MESSAGES["zh"].setdefault(f"dl.col.{_name}", _zh)

# ---------------------------------------------------------------------------------------------
# Catalogue page (views/catalogue.py) and the seller-data notices of the seller pages.
# ---------------------------------------------------------------------------------------------
_CATALOGUE_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "page.catalogue": "Catalogue",
        "catalogue.title": "Your catalogue: products, categories and costs",
        "catalogue.intro": "Every product found in your exports is listed here, matched across TikTok Shop, Amazon "
        "and Shopify by your own SKU code. Fill in categories and unit costs, save, and build: margins use "
        "these costs, and a product without a cost shows “cost missing” instead of a margin.",
        "catalogue.products.header": "Products",
        "catalogue.products.empty": "No products yet. Download your order exports (TikTok Shop Seller Center › "
        "Orders › Export; Amazon Seller Central › Reports › All Orders; Shopify admin › Orders › Export), drop them "
        "into the inbox folder, run a build, then come back here to add costs.",
        "catalogue.products.intro": "{n} products, {missing} without a unit cost. Saved to {path} (and an .xlsx "
        "copy for Excel; the build reads whichever you saved last).",
        "catalogue.col.product_id": "Product ID",
        "catalogue.col.product_name": "Name",
        "catalogue.col.category": "Category",
        "catalogue.col.seller_sku": "Your SKU code",
        "catalogue.col.unit_cogs_usd": "Unit cost (COGS, USD)",
        "catalogue.col.tiktok_fbs_fulfilment_usd": "TikTok ship-yourself cost per unit",
        "catalogue.col.tiktok_fbt_fulfilment_usd": "Fulfilled by TikTok fee per unit",
        "catalogue.col.amazon_fba_fulfilment_usd": "Amazon FBA fee per unit",
        "catalogue.col.amazon_fbm_fulfilment_usd": "Amazon ship-yourself cost per unit",
        "catalogue.col.shopify_fulfilment_usd": "Shopify shipping cost per unit",
        "catalogue.col.costs_valid_from": "Costs valid from",
        "catalogue.col.costs_valid_from_help": "First day (YYYY-MM-DD) these costs apply; empty = from the start. "
        "Later cost changes go in catalogue/cost_changes.csv.",
        "catalogue.col.info_category_found": "Category found",
        "catalogue.col.info_category_rule": "Placed by",
        "catalogue.col.info_channels_sold": "Channels",
        "catalogue.col.info_units_sold": "Units sold",
        "catalogue.col.info_cost_status": "Cost",
        "catalogue.col.finding": "Finding",
        "catalogue.col.likely_duplicate_of": "Looks like",
        "catalogue.col.matched_by": "Matched by",
        "catalogue.save": "Save",
        "catalogue.save_and_build": "Save and build",
        "catalogue.saved": "Saved to {path}.",
        "catalogue.save.invalid": "Not saved: some cells break a rule. Fix them and save again.",
        "catalogue.save.violation": "row {row}: {detail} ({rule})",
        "catalogue.build.running": "Build running ({seconds} s): {step}",
        "catalogue.build.done": "The build finished; every page now shows your new costs. Log: {log}",
        "catalogue.build.failed": "The build did not finish cleanly; the previous build is still shown. Log: {log}",
        "catalogue.matches.header": "Match report",
        "catalogue.matches.intro": "Products that need a look: likely duplicates (a near-identical name under "
        "another code — put both codes in one row, separated by |), products seen on one channel only, products "
        "not in your catalogue, and catalogue products never sold.",
        "catalogue.finding.likely_duplicate": "Likely duplicate",
        "catalogue.finding.one_channel_only": "One channel only",
        "catalogue.finding.not_in_catalogue": "Not in catalogue",
        "catalogue.finding.never_sold": "Never sold",
        "catalogue.finding.ok": "OK",
        "catalogue.cost.ok": "ok",
        "catalogue.cost.partly_missing": "partly missing",
        "catalogue.cost.cost_missing": "cost missing",
        "seller.no_orders": "No orders loaded yet. Download your order exports (TikTok Shop Seller Center › Orders › "
        "Export; Amazon Seller Central › Reports › All Orders; Shopify admin › Orders › Export), drop them into "
        "{inbox} and run `tsw build`. The Market and Sources pages work without them.",
        "seller.cost_missing": "cost missing",
        "seller.cost_missing_share": "{share} of this revenue has no unit cost in your catalogue and is left out "
        "of the margin.",
    },
    "zh": {
        "page.catalogue": "商品目录",
        "catalogue.title": "您的商品目录：商品、品类与成本",
        "catalogue.intro": "这里列出导出文件中发现的每一件商品，按您自己的 SKU 编码在 TikTok Shop、亚马逊和 Shopify "
        "之间匹配。填写品类和单位成本，保存并构建：毛利按这些成本计算；没有成本的商品显示“缺少成本”，不显示毛利。",
        "catalogue.products.header": "商品",
        "catalogue.products.empty": "还没有商品。请下载订单导出（TikTok Shop 卖家中心 › 订单 › 导出；亚马逊卖家平台 › "
        "报告 › 所有订单；Shopify 后台 › 订单 › 导出），放入收件箱文件夹并运行构建，然后回到这里填写成本。",
        "catalogue.products.intro": "共 {n} 件商品，其中 {missing} 件没有单位成本。保存到 {path}（另有一份 .xlsx 供 Excel "
        "使用；构建读取您最后保存的那一份）。",
        "catalogue.col.product_id": "商品 ID",
        "catalogue.col.product_name": "名称",
        "catalogue.col.category": "品类",
        "catalogue.col.seller_sku": "您的 SKU 编码",
        "catalogue.col.unit_cogs_usd": "单位成本（COGS，美元）",
        "catalogue.col.tiktok_fbs_fulfilment_usd": "TikTok 自发货单件成本",
        "catalogue.col.tiktok_fbt_fulfilment_usd": "TikTok 官方仓配单件费用",
        "catalogue.col.amazon_fba_fulfilment_usd": "亚马逊 FBA 单件费用",
        "catalogue.col.amazon_fbm_fulfilment_usd": "亚马逊自发货单件成本",
        "catalogue.col.shopify_fulfilment_usd": "Shopify 单件运费",
        "catalogue.col.costs_valid_from": "成本生效日期",
        "catalogue.col.costs_valid_from_help": "成本开始适用的第一天（YYYY-MM-DD）；留空表示从一开始适用。以后的成本变化"
        "写入 catalogue/cost_changes.csv。",
        "catalogue.col.info_category_found": "识别出的品类",
        "catalogue.col.info_category_rule": "归类依据",
        "catalogue.col.info_channels_sold": "渠道",
        "catalogue.col.info_units_sold": "销量（件）",
        "catalogue.col.info_cost_status": "成本",
        "catalogue.col.finding": "发现",
        "catalogue.col.likely_duplicate_of": "疑似同一商品",
        "catalogue.col.matched_by": "匹配方式",
        "catalogue.save": "保存",
        "catalogue.save_and_build": "保存并构建",
        "catalogue.saved": "已保存到 {path}。",
        "catalogue.save.invalid": "未保存：部分单元格不符合规则。请修改后再保存。",
        "catalogue.save.violation": "第 {row} 行：{detail}（{rule}）",
        "catalogue.build.running": "正在构建（{seconds} 秒）：{step}",
        "catalogue.build.done": "构建完成，各页面已使用新的成本。日志：{log}",
        "catalogue.build.failed": "构建未能顺利完成，页面仍显示上一次的构建。日志：{log}",
        "catalogue.matches.header": "匹配报告",
        "catalogue.matches.intro": "需要查看的商品：疑似重复（不同编码下名称几乎相同——把两个编码写在同一行，用 | 分隔）、"
        "只在一个渠道出现的商品、不在目录中的商品，以及目录中从未售出的商品。",
        "catalogue.finding.likely_duplicate": "疑似重复",
        "catalogue.finding.one_channel_only": "仅一个渠道",
        "catalogue.finding.not_in_catalogue": "不在目录中",
        "catalogue.finding.never_sold": "从未售出",
        "catalogue.finding.ok": "正常",
        "catalogue.cost.ok": "完整",
        "catalogue.cost.partly_missing": "部分缺失",
        "catalogue.cost.cost_missing": "缺少成本",
        "seller.no_orders": "还没有加载订单。请下载订单导出（TikTok Shop 卖家中心 › 订单 › 导出；亚马逊卖家平台 › 报告 › "
        "所有订单；Shopify 后台 › 订单 › 导出），放入 {inbox} 并运行 `tsw build`。市场和来源页面无需这些数据。",
        "seller.cost_missing": "缺少成本",
        "seller.cost_missing_share": "该收入中有 {share} 在您的目录里没有单位成本，未计入毛利。",
    },
}
for _lang, _messages in _CATALOGUE_MESSAGES.items():
    MESSAGES[_lang].update(_messages)

# ---------------------------------------------------------------------------------------------
# Registry values shown as labels: subjects of market figures and who a claim is attributed to
# (seeds/articles). Merged as `subject.<value>` / `attr.<value>`; see subject_label / attribution_label.
# ---------------------------------------------------------------------------------------------
_SUBJECTS: dict[str, tuple[str, str]] = {
    "Amazon": ("Amazon", "亚马逊"),
    "Amazon (1P)": ("Amazon (1P)", "亚马逊（自营）"),
    "Amazon (3P)": ("Amazon (3P)", "亚马逊（第三方卖家）"),
    "Amazon (North America)": ("Amazon (North America)", "亚马逊（北美）"),
    "Amazon Prime": ("Amazon Prime", "亚马逊 Prime"),
    "Douyin": ("Douyin", "抖音"),
    "EU e-commerce": ("EU e-commerce", "欧盟电商"),
    "Global social commerce": ("Global social commerce", "全球社交电商"),
    "Taobao/Tmall": ("Taobao/Tmall", "淘宝/天猫"),
    "TikTok": ("TikTok", "TikTok"),
    "TikTok Shop": ("TikTok Shop", "TikTok Shop"),
    "TikTok Shop (live commerce)": ("TikTok Shop (live commerce)", "TikTok Shop（直播电商）"),
    "TikTok Shop (small businesses)": ("TikTok Shop (small businesses)", "TikTok Shop（小商家）"),
    "UK e-commerce": ("UK e-commerce", "英国电商"),
    "US e-commerce": ("US e-commerce", "美国电商"),
    "US influencer marketing": ("US influencer marketing", "美国网红营销"),
    "US influencer marketing (top KOL)": ("US influencer marketing (top KOL)", "美国网红营销（头部达人）"),
    "US social commerce": ("US social commerce", "美国社交电商"),
    "legacy e-commerce platforms": ("legacy e-commerce platforms", "传统电商平台"),
    "seller case": ("seller case", "卖家案例"),
}
_ATTRIBUTIONS: dict[str, tuple[str, str]] = {
    "Amazon official": ("Amazon official", "亚马逊官方"),
    "TikTok official": ("TikTok official", "TikTok 官方"),
    "article (unattributed)": ("article (unattributed)", "文章（未注明来源）"),
    "article's own arithmetic": ("article's own arithmetic", "文章自行推算"),
    "foreign media (unnamed)": ("foreign media (unnamed)", "外媒（未具名）"),
    "industry insider (unnamed)": ("industry insider (unnamed)", "业内人士（未具名）"),
    "third-party data (unnamed)": ("third-party data (unnamed)", "第三方数据（未具名）"),
    "third-party data tool (unnamed)": ("third-party data tool (unnamed)", "第三方数据工具（未具名）"),
    # "<role>: <name>": the role is translated, the name kept as written.
    "practitioner": ("practitioner", "从业者"),
    "interviewer": ("interviewer", "采访者"),
}
for _value, (_en, _zh) in _SUBJECTS.items():
    MESSAGES["en"].setdefault(f"subject.{_value}", _en)
    MESSAGES["zh"].setdefault(f"subject.{_value}", _zh)
for _value, (_en, _zh) in _ATTRIBUTIONS.items():
    MESSAGES["en"].setdefault(f"attr.{_value}", _en)
    MESSAGES["zh"].setdefault(f"attr.{_value}", _zh)


def subject_label(value: Any, lang: str | None = None) -> str:
    """A market figure's subject in the reader's language (brand names stay as written)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    key = f"subject.{value}"
    return t(key, lang) if has(key) else str(value)


def attribution_label(value: Any, lang: str | None = None) -> str:
    """Who a claim is attributed to: `TikTok official` → `TikTok 官方`; `practitioner: 李山` → `从业者：李山`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = str(value)
    if has(f"attr.{text}"):
        return t(f"attr.{text}", lang)
    role, sep, name = text.partition(":")
    if sep and has(f"attr.{role.strip()}"):
        colon = "：" if (lang or current_lang()) == "zh" else ": "
        return f"{t(f'attr.{role.strip()}', lang)}{colon}{name.strip()}"
    return text
