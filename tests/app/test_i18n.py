"""Number formats and the message catalogue: what a reader sees in each language."""

from __future__ import annotations

import re

import pytest

from streamlit_app.i18n import (
    MESSAGES,
    fmt_count,
    fmt_money,
    fmt_percent,
    fmt_range,
    fmt_value,
    label_for,
    money_axis,
    normalize_lang,
    placeholders,
    t,
)


@pytest.mark.parametrize(
    ("usd", "en", "zh"),
    [
        (87.02e9, "$87.0B", "870.2亿美元"),
        (1.2e12, "$1.2T", "1.2万亿美元"),
        (480e6, "$480.0M", "4.8亿美元"),
        (35_000, "$35.0K", "3.5万美元"),
        (4_500, "$4.5K", "4,500美元"),
        (12.5, "$12.50", "12.50美元"),
        (-2.5e9, "-$2.5B", "-25.0亿美元"),
        # Rounding must not produce "1000.0M": it moves up to the next scale word.
        (999.96e6, "$1.0B", "10.0亿美元"),
        (700e9, "$700.0B", "7000.0亿美元"),
    ],
)
def test_money_uses_each_languages_scale_words(usd, en, zh):
    assert fmt_money(usd, "en") == en
    assert fmt_money(usd, "zh") == zh


def test_percent_and_counts():
    assert fmt_percent(0.17, "en") == "17.0%"
    assert fmt_percent(0.0005, "zh") == "0.05%"
    assert fmt_percent(-0.014, "en", signed=True) == "-1.4%"
    assert fmt_percent(0.2, "en", signed=True) == "+20.0%"
    assert fmt_count(12_345, "en") == "12,345"
    assert fmt_count(170e6, "en") == "170M"
    assert fmt_count(170e6, "zh") == "1.7亿"
    assert fmt_count(10_000_000, "zh") == "1000万"
    assert fmt_count(8_000, "zh") == "8,000"
    assert fmt_count(3.5, "en") == "3.5"


def test_values_follow_their_normalized_unit():
    assert fmt_value(87.02e9, "USD", "en") == "$87.0B"
    assert fmt_value(0.3, "ratio", "zh") == "30.0%"
    assert fmt_value(3, "multiple", "en") == "3×"
    assert fmt_value(3, "multiple", "zh") == "3倍"
    assert fmt_value(48, "hours", "zh") == "48小时"
    assert fmt_value(8e6, "hours", "zh") == "800万小时"
    assert fmt_value(8e6, "hours", "en") == "8M h"
    assert fmt_value(1, "rank", "en") == "#1"
    assert fmt_value(None, "USD", "en") == "—"
    assert fmt_value(float("nan"), "ratio", "en") == "—"


def test_ranges_show_open_ends():
    assert fmt_range(85e9, 87.02e9, "USD", "en") == "$85.0B – $87.0B"
    assert fmt_range(9e9, 9e9, "USD", "en") == "$9.0B"
    assert fmt_range(0.3, None, "ratio", "en") == "≥ 30.0%"
    assert fmt_range(None, 0.1, "ratio", "zh") == "≤ 10.0%"
    assert fmt_range(None, None, "USD", "en") == "—"


def test_money_axis_picks_a_readable_unit():
    assert money_axis(700e9, "en") == (1e9, "USD, billions")
    assert money_axis(700e9, "zh") == (1e8, "亿美元")
    assert money_axis(5e6, "en") == (1e6, "USD, millions")


def test_catalogues_have_the_same_keys_and_placeholders():
    en, zh = MESSAGES["en"], MESSAGES["zh"]
    assert set(en) == set(zh), f"only in en: {set(en) - set(zh)}; only in zh: {set(zh) - set(en)}"
    for key in en:
        assert placeholders(en[key]) == placeholders(zh[key]), key
    # A Chinese label that is still the English text means a translation was forgotten.
    # Brand names stay as they are in Chinese interfaces too; placeholders are not words.
    proper_nouns = {"TikTok Shop", "Shopify", "Amazon", "GMV", "TikTok"}
    untranslated = [
        k
        for k in en
        if en[k] == zh[k]
        and en[k] not in proper_nouns
        and any(c.isalpha() and c.isascii() for c in re.sub(r"\{[^}]*\}", "", en[k]))
        and not k.startswith(("num.", "metric.gmv"))
    ]
    assert untranslated == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_column_headers_are_distinct(lang):
    # Tables are built from {header: column} dicts: two equal headers would silently drop a column.
    headers = [text for key, text in MESSAGES[lang].items() if key.startswith("col.")]
    assert len(headers) == len(set(headers)), sorted(h for h in headers if headers.count(h) > 1)


def test_translation_and_labels():
    assert t("page.market", "en") == "Market"
    assert t("page.market", "zh") == "市场"
    assert t("sources.count", "zh", shown=3, total=10) == "显示 3 / 共 10 条引用"
    assert label_for("metric", "growth_rate_yoy", "zh") == "同比增长率"
    # Codes without a catalogue entry stay readable rather than failing.
    assert label_for("metric", "brand_new_metric", "zh") == "brand new metric"
    with pytest.raises(KeyError):
        t("no.such.key", "en")


@pytest.mark.parametrize(
    ("raw", "lang"), [("zh", "zh"), ("zh-CN", "zh"), ("EN", "en"), ("fr", None), (None, None)]
)
def test_query_parameter_language_codes(raw, lang):
    assert normalize_lang(raw) == lang


def test_each_language_file_names_every_key_once():
    """YAML keeps the last of two equal keys without a word: a key written twice in a catalogue would lose
    one text silently."""
    import yaml

    from streamlit_app.i18n import LANGS, LOCALES

    for lang in LANGS:
        root = yaml.compose((LOCALES / lang / "messages.yml").read_text(encoding="utf-8"))
        keys = [k.value for k, _ in root.value]
        assert len(keys) == len(set(keys)), (lang, sorted({k for k in keys if keys.count(k) > 1}))
        assert all(isinstance(v, yaml.ScalarNode) for _, v in root.value), lang  # text only, no nesting
