"""Property-based: header matching holds for headers as platforms really write them, whatever the noise.

Each format YAML lists the aliases a column's header is exported under. A seller's file may write any of
them in another case, with stray or doubled spaces, a byte-order mark, full-width characters (a Chinese
Seller Center), in any order, next to columns the definition does not know. Whatever Hypothesis draws of
that, every alias still maps to its column, the kind is still recognised, and no other kind claims the file.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestration.formats import load_formats, normalize_header

FORMATS = load_formats()
ALIASES = [(fmt, col, alias) for fmt in FORMATS for col in fmt.columns for alias in col.aliases]
SPACES = st.sampled_from([" ", "  ", "\t", "\u00a0", "\u3000"])  # NBSP and the ideographic space fold by NFKC


def _full_width(text: str) -> str:
    """ASCII letters, digits and punctuation as a Chinese input method writes them (NFKC folds them back)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def as_exported(draw, alias: str) -> str:
    """`alias` the way an export may spell it."""
    text = alias
    if draw(st.booleans()):
        text = draw(st.sampled_from([str.upper, str.lower, str.title, str.swapcase]))(text)
    if draw(st.booleans()):
        text = _full_width(text)
    if " " in text and draw(st.booleans()):
        text = text.replace(" ", draw(SPACES))
    text = draw(st.sampled_from(["", "\ufeff"])) + draw(st.sampled_from(["", " ", "  "])) + text
    return text + draw(st.sampled_from(["", " ", "\t"]))


@st.composite
def noisy_alias(draw):
    fmt, col, alias = draw(st.sampled_from(ALIASES))
    return fmt, col, alias, draw(as_exported(alias))


@pytest.mark.slow  # Hypothesis: each example a header normalisation: 15.2 s in a loaded unit lane
@settings(max_examples=150, deadline=None, derandomize=True)
@given(noisy_alias())
def test_every_alias_however_spelled_normalises_to_the_alias(case):
    _, col, alias, written = case
    assert normalize_header(written) in col.normalized_aliases, (alias, written)


@pytest.mark.slow  # Hypothesis: each example a header normalisation: 10.7 s in a loaded unit lane
@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_normalising_twice_changes_nothing_and_leaves_no_outer_space(text):
    once = normalize_header(text)
    assert normalize_header(once) == once
    assert once == once.strip() and "  " not in once and "\ufeff" not in once
    assert normalize_header(unicodedata.normalize("NFKC", text).upper()) == normalize_header(text.upper())


@st.composite
def an_export_header(draw):
    """One format's full header row (one alias per column, as exported), shuffled, with unknown columns."""
    fmt = draw(st.sampled_from(FORMATS))
    chosen = {col.name: draw(st.sampled_from(col.aliases)) for col in fmt.columns}
    headers = [draw(as_exported(alias)) for alias in chosen.values()]
    known = {normalize_header(a) for f in FORMATS for c in f.columns for a in c.aliases}
    extra = draw(st.lists(st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1,
                                  max_size=20).filter(lambda h: normalize_header(h) not in known), max_size=4))
    order = draw(st.permutations(headers + extra))
    return fmt, chosen, list(order)


@pytest.mark.slow  # Hypothesis over every layout, each example a detection: 89 s in a loaded unit lane
@settings(max_examples=150, deadline=None, derandomize=True)
@given(an_export_header())
def test_a_full_header_row_maps_every_column_and_is_recognised_as_its_kind_only(case):
    fmt, chosen, headers = case
    mapping = fmt.match_headers(headers)
    assert set(mapping) == set(chosen)
    for name, alias in chosen.items():
        assert normalize_header(mapping[name]) == normalize_header(alias), (name, mapping[name], alias)
    assert fmt.signature_matches(headers)
    others = [f.kind for f in FORMATS if f is not fmt and f.signature_matches(headers)]
    assert others == [], (fmt.kind, others)
