"""One test per reading rule of orchestration.lib.quantities, with hand-computed expectations."""

from __future__ import annotations

import pytest

from orchestration.lib.quantities import ParsedQuantity, QuantityParseError, parse_quantity


def test_arabic_number_with_thousands_commas_and_decimals():
    assert parse_quantity("18,000") == ParsedQuantity(18000.0, 18000.0, 18000.0, None, None)
    assert parse_quantity("1,234.5").value == 1234.5
    assert parse_quantity("21.5%").value == 21.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6千", 6_000.0),
        ("1200万", 12_000_000.0),
        ("870.2亿美元", 87_020_000_000.0),
        ("1.2万亿美元", 1_200_000_000_000.0),
        ("约4万亿元", 4_000_000_000_000.0),
        ("80w+", 800_000.0),
    ],
)
def test_scale_words_multiply(text, expected):
    assert parse_quantity(text).value == expected


def test_space_between_number_and_scale_word_as_in_the_pages():
    # s000 writes "870.2 亿美元" and "超过 7000 万" with spaces.
    assert parse_quantity("870.2 亿美元").value == 87_020_000_000.0
    assert parse_quantity("超过 7000 万").low == 70_000_000.0


def test_scale_word_without_number_means_one_of_it():
    assert parse_quantity("千人").value == 1000.0
    assert parse_quantity("破百万美金").low == 1_000_000.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [("三倍", 3.0), ("两天内", 2.0), ("十多年", 10.0), ("前五", 5.0), ("第一", 1.0), ("五大", 5.0),
     ("二十三", 23.0), ("三百", 300.0)],
)
def test_chinese_numerals(text, expected):
    assert parse_quantity(text).value == expected


def test_tenths_half_and_fractions_are_percent_points():
    assert parse_quantity("两成").value == 20.0
    assert parse_quantity("近七成") == ParsedQuantity(70.0, 70.0, 70.0, "approx", None)
    assert parse_quantity("一半").value == 50.0
    third = parse_quantity("超过三分之一")
    assert third.low == pytest.approx(100 / 3)
    assert third.high is None and third.qualifier == "at_least"
    assert parse_quantity("1/10").value == 10.0


@pytest.mark.parametrize("text", ["超1000万", "超过1000万", "突破1000万", "逾1000万", "1000万以上", "1000多万"])
def test_at_least_words_open_the_upper_bound(text):
    q = parse_quantity(text)
    assert q.qualifier == "at_least"
    assert q.high is None
    # "1000多万" is 1000 x 万 with 多 read as a lower bound.
    assert q.value == q.low == 10_000_000.0


@pytest.mark.parametrize("text", ["约30%", "近30%", "大约30%", "30%左右", "接近30%", "约为30%"])
def test_approx_words_keep_a_point_value(text):
    assert parse_quantity(text) == ParsedQuantity(30.0, 30.0, 30.0, "approx", None)


@pytest.mark.parametrize("text", ["不足20%", "低于20%", "不到20%", "20%以内"])
def test_at_most_words_open_the_lower_bound(text):
    assert parse_quantity(text) == ParsedQuantity(20.0, None, 20.0, "at_most", None)


def test_bound_word_wins_over_hedge():
    # s001 writes "约超600亿美元": a hedged lower bound.
    q = parse_quantity("约超600亿美元")
    assert q == ParsedQuantity(60_000_000_000.0, 60_000_000_000.0, None, "at_least", "USD")


@pytest.mark.parametrize("text", ["2-10万美元", "2~10万美元", "2至10万美元", "约2-10万美元"])
def test_ranges_apply_the_upper_scale_word_to_both_ends(text):
    assert parse_quantity(text) == ParsedQuantity(60_000.0, 20_000.0, 100_000.0, "range", "USD")


def test_percent_and_scaled_ranges():
    assert parse_quantity("20%-30%") == ParsedQuantity(25.0, 20.0, 30.0, "range", None)
    assert parse_quantity("6%至10%").low == 6.0
    both_scaled = parse_quantity("4亿至5亿元人民币")
    assert (both_scaled.low, both_scaled.high, both_scaled.currency) == (4e8, 5e8, "CNY")


def test_per_mille_few_is_a_range_in_percent_points():
    assert parse_quantity("千分之几") == ParsedQuantity(0.5, 0.1, 0.9, "range", None)


def test_vague_digits_are_ranges():
    assert parse_quantity("几万美金") == ParsedQuantity(50_000.0, 10_000.0, 90_000.0, "range", "USD")
    assert parse_quantity("数十万美元") == ParsedQuantity(500_000.0, 100_000.0, 900_000.0, "range", "USD")


def test_percent_is_kept_in_percent_points():
    assert parse_quantity("35%").value == 35.0
    assert parse_quantity("18.2%").value == 18.2


def test_multiples():
    assert parse_quantity("3倍").value == 3.0
    assert parse_quantity("超55倍") == ParsedQuantity(55.0, 55.0, None, "at_least", None)
    assert parse_quantity("20多倍").qualifier == "at_least"
    assert parse_quantity("翻倍").value == 2.0
    assert parse_quantity("接近翻了三倍") == ParsedQuantity(3.0, 3.0, 3.0, "approx", None)


@pytest.mark.parametrize(
    ("text", "currency"),
    [("158.2亿美元", "USD"), ("5.5万美金", "USD"), ("4万亿元", "CNY"), ("5亿元人民币", "CNY"),
     ("10万欧元", "EUR"), ("3万英镑", "GBP"), ("35%", None)],
)
def test_currency_words(text, currency):
    assert parse_quantity(text).currency == currency


def test_binary_noise_is_removed_from_scaled_decimals():
    assert parse_quantity("158.2亿美元").value == 15_820_000_000.0


@pytest.mark.parametrize("text", ["", "   ", "美元", "好商品", "数据"])
def test_text_without_a_number_raises_a_clear_error(text):
    with pytest.raises(QuantityParseError, match="no number|empty value"):
        parse_quantity(text)
