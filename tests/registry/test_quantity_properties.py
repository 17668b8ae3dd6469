"""Property-based: the quantity parser on figures Hypothesis writes the way the articles do.

test_quantities.py pins one hand-computed example per reading rule; here the same rules must hold for
any number, scale word, qualifier, currency and spacing, and any text at all must either parse into a
consistent quantity or fail with QuantityParseError (the registry's load reports it) — never crash.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from orchestration.lib.quantities import QuantityParseError, parse_quantity

SCALES = {"": 1.0, "千": 1e3, "万": 1e4, "亿": 1e8, "万亿": 1e12}
CURRENCIES = {"": None, "美元": "USD", "美金": "USD", "欧元": "EUR", "英镑": "GBP", "人民币": "CNY", "元": "CNY"}
AT_LEAST = ("超过", "超", "突破", "逾")
AT_MOST = ("不足", "低于", "不到", "少于")
APPROX = ("大约", "约", "接近", "将近", "近")
PROPERTY = settings(max_examples=100, deadline=None, derandomize=True)


def _written(n: float, decimals: int, commas: bool) -> str:
    return f"{n:,.{decimals}f}" if commas else f"{n:.{decimals}f}"


numbers = st.builds(lambda whole, frac, decimals: whole + frac / 10 ** decimals if decimals else float(whole),
                    st.integers(1, 999_999), st.integers(0, 9), st.integers(0, 1))


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9)


@PROPERTY
@given(numbers, st.booleans(), st.sampled_from(sorted(SCALES)), st.sampled_from(["", " "]),
       st.sampled_from(sorted(CURRENCIES)))
def test_a_number_times_its_scale_word_in_any_currency(n, commas, scale, space, currency):
    decimals = 0 if n == int(n) else 1
    text = _written(n, decimals, commas) + (space + scale if scale else "") + currency
    q = parse_quantity(text)
    assert close(q.value, n * SCALES[scale]), (text, q)
    assert q.low == q.high == q.value and q.qualifier is None
    assert q.currency == CURRENCIES[currency], (text, q)


@PROPERTY
@given(numbers, st.sampled_from(sorted(SCALES)), st.sampled_from(AT_LEAST + AT_MOST + APPROX),
       st.sampled_from(["", " "]))
def test_a_bound_or_hedge_word_before_the_figure_sets_the_qualifier(n, scale, word, space):
    text = word + space + _written(n, 0 if n == int(n) else 1, False) + scale
    q = parse_quantity(text)
    expected = n * SCALES[scale]
    assert close(q.value, expected), (text, q)
    if word in AT_LEAST:
        assert q.qualifier == "at_least" and close(q.low, expected) and q.high is None, (text, q)
    elif word in AT_MOST:
        assert q.qualifier == "at_most" and q.low is None and close(q.high, expected), (text, q)
    else:
        assert q.qualifier == "approx" and close(q.low, expected) and close(q.high, expected), (text, q)


@pytest.mark.slow  # Hypothesis: each example a parse: 3.7 s in a loaded unit lane
@PROPERTY
@given(st.integers(1, 9_999), st.integers(1, 9_999), st.sampled_from(["-", "~", "～", "至", "到", "–", "—"]),
       st.sampled_from(sorted(s for s in SCALES if s)), st.booleans())
def test_a_range_with_the_scale_word_on_the_upper_end_applies_it_to_both(a, b, sep, scale, both):
    assume(a != b)
    low, high = min(a, b), max(a, b)
    text = f"{low}{scale if both else ''}{sep}{high}{scale}"
    q = parse_quantity(text)
    f = SCALES[scale]
    assert (q.qualifier, q.low, q.high) == ("range", low * f, high * f), (text, q)
    assert close(q.value, (low + high) * f / 2)


@PROPERTY
@given(st.integers(0, 1000), st.integers(1, 1000), st.sampled_from(["", " "]))
def test_a_slash_fraction_is_a_share_in_percent_points(num, den, space):
    q = parse_quantity(f"{num}{space}/{space}{den}")
    assert close(q.value, num / den * 100) and q.currency is None


@pytest.mark.slow  # Hypothesis: each example a parse: 5.3 s in a loaded unit lane
@PROPERTY
@given(st.integers(0, 100), st.sampled_from(["%", "％"]))
def test_a_percentage_stays_in_percent_points(p, sign):
    assert parse_quantity(f"{p}{sign}").value == p


FIGURE_ALPHABET = "0123456789,.%％ -~～至到–—/千万亿wW一二两三四五六七八九十百零几数超过破逾以上多余+不足低于到内约近左右翻倍番成分之半美元欧人民币英镑金人年"


@pytest.mark.slow  # Hypothesis: each example a parse: 3.5 s in a loaded unit lane
@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=FIGURE_ALPHABET, max_size=14) | st.text(max_size=14))
def test_any_text_parses_consistently_or_fails_with_a_reason(text):
    try:
        q = parse_quantity(text)
    except QuantityParseError as exc:
        assert str(exc)
        return
    assert q.qualifier in (None, "range", "at_least", "at_most", "approx")
    assert q.value is not None and math.isfinite(q.value) and q.value >= 0, (text, q)
    if q.qualifier == "range":
        assert q.low < q.value < q.high or (q.low <= q.value <= q.high), (text, q)
        assert q.low != q.high
    elif q.qualifier == "at_least":
        assert q.low == q.value and q.high is None
    elif q.qualifier == "at_most":
        assert q.high == q.value and q.low is None
    else:
        assert q.low == q.value == q.high


@pytest.mark.parametrize("text", ["", "   ", "没有数字"])
def test_text_without_a_figure_is_refused(text):
    with pytest.raises(QuantityParseError):
        parse_quantity(text)
