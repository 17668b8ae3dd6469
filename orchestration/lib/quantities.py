"""The one parser of figures as the articles write them ("870.2亿美元", "超1000万", "2-10万美元").

The registry stores every figure verbatim; everything numeric downstream (bounds, USD
conversion, claim checks) is derived here, so there is a single place where a reading of
Chinese number conventions can be wrong and fixed.

Conventions (also in seeds/articles/README.md):
- Scale words multiply: 千 1e3, 万 1e4, 亿 1e8, 万亿 1e12; "w" (网络用语, "80w+") = 万.
  A scale word with no number before it means one of it ("千人" = 1000, "百万美金" = 1e6).
  In a range, a scale word written only on the upper end applies to both ends ("2-10万").
- Percentages stay in percent points ("35%" -> 35). Chinese shares are returned in percent
  points too, because every registry row that uses them has unit `percent`: "三分之一" -> 33.33,
  "两成" -> 20, "一半" -> 50, "1/10" -> 10.
- Vague digits 几/数 read as the range 1..9 of their place: "几万" -> 1e4..9e4,
  "数十万" -> 1e5..9e5, "千分之几" -> 0.1..0.9 (percent points).
- 翻倍/翻番 with no number is a multiple of 2. "翻了三倍" is read as 3 (the ratio the articles'
  own inputs give); the registry's note records the ambiguity.
- Qualifier the text implies: a range wins; otherwise a bound word (超/超过/突破/逾/以上/多/+ ->
  at_least; 不足/低于/不到/以内/以下/内 -> at_most) wins over a hedge (约/近/接近/大约/左右 ->
  approx), so "约超600亿" is at_least 600亿 with no upper bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class QuantityParseError(ValueError):
    """The text holds no number this parser can read."""


@dataclass(frozen=True)
class ParsedQuantity:
    value: float | None
    low: float | None
    high: float | None
    qualifier: str | None
    currency: str | None


_SCALES = {"千": 1e3, "万": 1e4, "亿": 1e8, "w": 1e4, "W": 1e4}
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100}
_VAGUE = "几数"
_RANGE_SEPARATORS = "-~～至到–—"

# Matched as substrings of the text before / after the number; values as written are short
# (a figure plus its contiguous words), so a bare 内 or 多 there can only be a qualifier.
_AT_LEAST_PREFIX = ("超过", "超", "破", "逾")  # 破 also covers 突破
_AT_LEAST_SUFFIX = ("以上", "多", "余", "+")
_AT_MOST_PREFIX = ("不足", "低于", "不到", "少于")
_AT_MOST_SUFFIX = ("以内", "以下", "内")
_APPROX_PREFIX = ("大约", "约为", "约", "接近", "将近", "近")
_APPROX_SUFFIX = ("左右",)

_CURRENCIES = (("美元", "USD"), ("美金", "USD"), ("欧元", "EUR"), ("英镑", "GBP"),
               ("人民币", "CNY"), ("元", "CNY"))

_ARABIC = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SLASH_FRACTION = re.compile(r"(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)")


@dataclass
class _Number:
    low: float
    high: float
    start: int
    end: int
    factor: float = 1.0  # product of the scale words written after it
    more: bool = False  # 多/余 written between the number and its scale word ("1000多万")


def _cn_integer(run: str) -> float:
    """Chinese numerals below 1000: 五, 十, 十五, 二十三, 三百, 百."""
    total, digit = 0, None
    for ch in run:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return float(total + (digit or 0))


def _is_number_start(text: str, i: int) -> bool:
    ch = text[i]
    if ch.isdecimal() or ch in _CN_DIGITS or ch in _CN_UNITS:  # decimal digits only: not ¹ or ①
        return True
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if ch == "几":
        return True
    if ch == "数":  # only as a vague digit (数十万), not inside words such as 数据
        return nxt in _CN_UNITS or nxt in _SCALES
    # A bare scale word counts one of it ("千人"), but not inside 千分之.
    return ch in "千万亿" and not text.startswith("分之", i + 1)


def _scan_number(text: str, i: int) -> _Number:
    start = i
    ch = text[i]
    if ch.isdecimal():
        m = _ARABIC.match(text, i)
        raw = m.group().rstrip(",")
        value = float(raw.replace(",", ""))
        low = high = value
        i += len(raw)
    elif ch in _VAGUE:
        low, high = 1.0, 9.0
        i += 1
        if i < len(text) and text[i] in _CN_UNITS:
            low, high = low * _CN_UNITS[text[i]], high * _CN_UNITS[text[i]]
            i += 1
    elif ch in _CN_DIGITS or ch in _CN_UNITS:
        j = i
        while j < len(text) and (text[j] in _CN_DIGITS or text[j] in _CN_UNITS):
            j += 1
        low = high = _cn_integer(text[i:j])
        i = j
    else:  # bare scale word
        low = high = 1.0
    # Scale words multiply in sequence (万亿 = 万 x 亿, 千万 = 千 x 万); a space may precede them.
    j = i
    while j < len(text) and (text[j] in _SCALES or text[j] == " " or (
            text[j] in "多余" and j + 1 < len(text) and text[j + 1] in _SCALES)):
        j += 1
    scale_part = text[i:j].rstrip()
    factor = 1.0
    for scale in scale_part.replace(" ", "").replace("多", "").replace("余", ""):
        factor *= _SCALES[scale]
    more = "多" in scale_part or "余" in scale_part
    return _Number(low * factor, high * factor, start, i + len(scale_part), factor, more)


def _find_number(text: str, begin: int = 0) -> _Number | None:
    for i in range(begin, len(text)):
        if _is_number_start(text, i):
            return _scan_number(text, i)
    return None


def _currency(text: str) -> str | None:
    for word, code in _CURRENCIES:
        if word in text:
            return code
    return None


def _qualifier(prefix: str, suffix: str) -> str | None:
    if any(w in prefix for w in _AT_LEAST_PREFIX) or any(w in suffix for w in _AT_LEAST_SUFFIX):
        return "at_least"
    if any(w in prefix for w in _AT_MOST_PREFIX) or any(w in suffix for w in _AT_MOST_SUFFIX):
        return "at_most"
    if any(w in prefix for w in _APPROX_PREFIX) or any(w in suffix for w in _APPROX_SUFFIX):
        return "approx"
    return None


def _tidy(x: float) -> float:
    """Drop binary noise from scale multiplication (158.2 x 1e8 is 15819999999.999998)."""
    return float(f"{x:.12g}")


def _result(low: float, high: float, qualifier: str | None, currency: str | None) -> ParsedQuantity:
    low, high = _tidy(low), _tidy(high)
    if low != high:
        return ParsedQuantity(_tidy((low + high) / 2), low, high, "range", currency)
    if qualifier == "at_least":
        return ParsedQuantity(low, low, None, qualifier, currency)
    if qualifier == "at_most":
        return ParsedQuantity(low, None, low, qualifier, currency)
    return ParsedQuantity(low, low, low, qualifier, currency)


def _parse_share(text: str) -> ParsedQuantity | None:
    """Shares written as fractions or tenths, returned in percent points."""
    if "分之" in text:
        pos = text.index("分之")
        denominator = None
        for i in range(pos):
            if _is_number_start(text, i) or text[i] in "千百":
                denominator = text[i:pos]
                den_start = i
                break
        numerator = _find_number(text, pos + 2)
        if not denominator or numerator is None:
            raise QuantityParseError(f"cannot read the fraction in {text!r}")
        if denominator in ("千", "百", "万"):
            den = {"千": 1e3, "百": 1e2, "万": 1e4}[denominator]
        else:
            den = _scan_number(denominator, 0).low
        if den == 0:
            raise QuantityParseError(f"the fraction in {text!r} has a zero denominator")
        qualifier = _qualifier(text[:den_start], text[numerator.end:])
        return _result(numerator.low / den * 100, numerator.high / den * 100, qualifier, None)
    m = _SLASH_FRACTION.search(text)
    if m:
        if float(m.group(2)) == 0:
            raise QuantityParseError(f"the fraction in {text!r} has a zero denominator")
        value = float(m.group(1)) / float(m.group(2)) * 100
        return _result(value, value, _qualifier(text[:m.start()], text[m.end():]), None)
    if "一半" in text:
        pos = text.index("一半")
        return _result(50.0, 50.0, _qualifier(text[:pos], text[pos + 2:]), None)
    number = _find_number(text)
    if number is not None and text[number.end:number.end + 1] == "成":
        return _result(number.low * 10, number.high * 10,
                       _qualifier(text[:number.start], text[number.end + 1:]), None)
    return None


def parse_quantity(text: str) -> ParsedQuantity:
    """Read one figure as written; values are in the row's unit after Chinese scale words."""
    if text is None or not str(text).strip():
        raise QuantityParseError("empty value: there is no figure to parse")
    text = str(text).strip()
    currency = _currency(text)

    share = _parse_share(text)
    if share is not None:
        return share

    if "翻倍" in text or "翻番" in text:
        pos = text.index("翻")
        return _result(2.0, 2.0, _qualifier(text[:pos], text[pos + 2:]), None)

    first = _find_number(text)
    if first is None:
        raise QuantityParseError(f"no number found in {text!r} (expected digits or Chinese numerals)")
    end = first.end
    low, high = first.low, first.high

    # A range: "2-10万", "2~10万", "2至10万", "20%-30%", "4亿至5亿元".
    rest = text[end:]
    stripped = rest.lstrip(" %％")
    if stripped[:1] and stripped[0] in _RANGE_SEPARATORS:
        sep_at = end + (len(rest) - len(stripped))
        second = _find_number(text, sep_at + 1)
        if second is not None and text[sep_at + 1:second.start].strip() == "":
            if first.factor == 1.0:
                low, high = low * second.factor, high * second.factor
            low, high = min(low, second.low), max(high, second.high)
            end = second.end
    qualifier = _qualifier(text[:first.start], text[end:] + ("多" if first.more else ""))
    return _result(low, high, qualifier, currency)

