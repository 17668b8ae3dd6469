"""The committed registry (seeds/articles/) against the articles it cites and its own rules.

A failure message names the file, the claim/row and the rule, so a bad edit to a CSV is found
without reading the test.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from orchestration import settings
from orchestration.lib.quantities import QuantityParseError, parse_quantity

ARTICLES = settings.ARTICLE_SEEDS_DIR
PERIOD = re.compile(r"^\d{4}(-(Q[1-4]|H[12]|\d{2}(-\d{2})?))?(\.\.\d{4}(-(Q[1-4]|H[12]|\d{2}(-\d{2})?))?)?$")
CLAIM_COLUMNS = ["claim_id", "source_id", "locator", "value_as_written", "metric", "subject", "geography",
                 "period", "qualifier", "unit", "attributed_to", "is_forecast", "note"]
VOCAB_FIELDS = ["metric", "subject", "geography", "qualifier", "unit", "attributed_to"]
ROLE_COUNTS = {"share_of_total": 2, "ratio_projection": 2, "multiple": 2, "yoy_growth": 2}
CURRENCY_UNITS = {"USD", "CNY", "EUR", "GBP"}


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def sources():
    return _read(ARTICLES / "sources.csv")[1]


@pytest.fixture(scope="module")
def claims():
    header, rows = _read(ARTICLES / "cited_metrics.csv")
    assert header == CLAIM_COLUMNS, f"cited_metrics.csv: columns must be {CLAIM_COLUMNS}, got {header}"
    return rows


@pytest.fixture(scope="module")
def checks():
    return _read(ARTICLES / "claim_checks.csv")[1]


@pytest.fixture(scope="module")
def vocab():
    rows = _read(ARTICLES / "vocabularies.csv")[1]
    allowed: dict[str, set[str]] = {}
    for row in rows:
        allowed.setdefault(row["field"], set()).add(row["value"])
    return allowed


@pytest.fixture(scope="module")
def paragraphs(sources):
    """Non-blank lines of each article: the locator p<N> is the N-th of them."""
    if not settings.SHARED_SOURCES_DIR.is_dir():
        pytest.skip(f"article texts not found at {settings.SHARED_SOURCES_DIR} (shared folder beside the checkout)")
    out = {}
    for src in sources:
        text = (settings.SHARED_SOURCES_DIR / src["document_file"]).read_text(encoding="utf-8")
        out[src["source_id"]] = [line for line in text.splitlines() if line.strip()]
    return out


def _where(row: dict[str, str]) -> str:
    return f"cited_metrics.csv {row['claim_id']} ({row['value_as_written']!r})"


def test_sources_are_well_formed(sources):
    ids = [s["source_id"] for s in sources]
    assert len(ids) == len(set(ids)), f"sources.csv: duplicate source_id in {ids}"
    for s in sources:
        assert re.fullmatch(r"s\d{3}", s["source_id"]), f"sources.csv {s['source_id']}: id must be s<3 digits>"
        assert s["document_file"].startswith(s["source_id"][1:] + "_"), (
            f"sources.csv {s['source_id']}: document_file {s['document_file']} must start with the id's digits")
        assert re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", s["published"]), f"sources.csv {s['source_id']}: published"
        assert s["title"] and s["outlet"] and s["language"] == "zh", f"sources.csv {s['source_id']}: empty field"


def test_source_documents_exist(sources):
    if not settings.SHARED_SOURCES_DIR.is_dir():
        pytest.skip(f"article texts not found at {settings.SHARED_SOURCES_DIR}")
    for s in sources:
        assert (settings.SHARED_SOURCES_DIR / s["document_file"]).is_file(), (
            f"sources.csv {s['source_id']}: {s['document_file']} is not in {settings.SHARED_SOURCES_DIR}")


def test_claim_ids_unique_and_in_reading_order(claims, sources):
    known = {s["source_id"] for s in sources}
    counts = Counter(c["claim_id"] for c in claims)
    assert not [i for i, n in counts.items() if n > 1], f"duplicate claim ids: {[i for i, n in counts.items() if n > 1]}"
    last: dict[str, tuple[int, int]] = {}
    for c in claims:
        assert c["source_id"] in known, f"{_where(c)}: unknown source_id {c['source_id']}"
        m = re.fullmatch(r"c(\d{3})_(\d{3})", c["claim_id"])
        assert m and m.group(1) == c["source_id"][1:], f"{_where(c)}: id must be c<source digits>_<seq>"
        loc = re.fullmatch(r"p(\d+)", c["locator"])
        assert loc, f"{_where(c)}: locator must be p<N>"
        seq, para = int(m.group(2)), int(loc.group(1))
        prev_seq, prev_para = last.get(c["source_id"], (0, 0))
        assert seq == prev_seq + 1, f"{_where(c)}: sequence must continue from {prev_seq:03d}"
        assert para >= prev_para, f"{_where(c)}: locator p{para} comes before p{prev_para} (reading order)"
        last[c["source_id"]] = (seq, para)


def test_every_value_is_verbatim_in_the_paragraph_its_locator_names(claims, paragraphs):
    for c in claims:
        paras = paragraphs[c["source_id"]]
        n = int(c["locator"][1:])
        assert 1 <= n <= len(paras), f"{_where(c)}: {c['locator']} is beyond the article's {len(paras)} paragraphs"
        assert c["value_as_written"] in paras[n - 1], (
            f"{_where(c)}: not a verbatim substring of {c['locator']}: {paras[n - 1][:80]}…")


def test_every_value_parses(claims):
    for c in claims:
        try:
            parse_quantity(c["value_as_written"])
        except QuantityParseError as exc:
            pytest.fail(f"{_where(c)}: {exc}")


def test_text_qualifier_agrees_with_qualifier_column(claims):
    for c in claims:
        implied = parse_quantity(c["value_as_written"]).qualifier
        if implied is not None:
            assert implied == c["qualifier"], f"{_where(c)}: text implies {implied}, column says {c['qualifier']}"


def test_text_currency_and_percent_agree_with_unit(claims):
    for c in claims:
        q = parse_quantity(c["value_as_written"])
        if q.currency is not None:
            assert q.currency == c["unit"], f"{_where(c)}: text names {q.currency}, unit is {c['unit']}"
        if "%" in c["value_as_written"] or "分之" in c["value_as_written"] or c["value_as_written"].endswith("成"):
            assert c["unit"] == "percent", f"{_where(c)}: a share in the text needs unit percent"
        if c["unit"] in CURRENCY_UNITS and q.currency is None:
            assert c["note"], f"{_where(c)}: currency {c['unit']} not written in the text: say why in note"


def test_bounds_are_consistent_with_the_qualifier(claims):
    for c in claims:
        q = parse_quantity(c["value_as_written"])
        if c["qualifier"] == "range":
            assert q.low is not None and q.high is not None and q.low < q.high, f"{_where(c)}: range needs two ends"


def test_every_vocabulary_value_is_declared(claims, vocab):
    assert set(VOCAB_FIELDS) <= set(vocab), f"vocabularies.csv: fields {set(VOCAB_FIELDS) - set(vocab)} missing"
    for c in claims:
        for field in VOCAB_FIELDS:
            assert c[field] in vocab[field], (
                f"{_where(c)}: {field} {c[field]!r} is not in vocabularies.csv (add it there with a description)")


def test_periods_and_forecast_flags(claims):
    for c in claims:
        assert PERIOD.match(c["period"]), f"{_where(c)}: period {c['period']!r} does not match the period rule"
        assert c["is_forecast"] in {"true", "false"}, f"{_where(c)}: is_forecast must be true/false"


def test_notes_carry_no_copied_chinese_text(claims, paragraphs):
    corpus = "\n".join("\n".join(p) for p in paragraphs.values())
    for c in claims:
        for run in re.findall(r"[\u4e00-\u9fff]{6,}", c["note"]):
            assert run not in corpus, f"{_where(c)}: note copies article text {run!r}; use your own words"


def test_claim_checks_reference_existing_claims_in_role_order(checks, claims):
    ids = {c["claim_id"] for c in claims}
    kinds = Counter()
    for k in checks:
        where = f"claim_checks.csv {k['check_id']}"
        assert k["check_kind"] in {*ROLE_COUNTS, "parts_sum"}, f"{where}: unknown check_kind {k['check_kind']}"
        kinds[k["check_kind"]] += 1
        assert k["stated_claim_id"] in ids, f"{where}: stated_claim_id {k['stated_claim_id']} does not exist"
        inputs = k["input_claim_ids"].split(";")
        assert not set(inputs) - ids, f"{where}: unknown input claim ids {set(inputs) - ids}"
        expected = ROLE_COUNTS.get(k["check_kind"])
        if expected:
            assert len(inputs) == expected, f"{where}: {k['check_kind']} takes {expected} inputs, got {len(inputs)}"
        else:
            assert len(inputs) >= 2, f"{where}: parts_sum needs at least two parts"
        assert 0 < float(k["tolerance"]) < 1, f"{where}: tolerance is relative, between 0 and 1"
    assert set(kinds) == {*ROLE_COUNTS, "parts_sum"}, f"claim_checks.csv: kinds missing {set(ROLE_COUNTS) - set(kinds)}"


def _fx():
    rows = _read(settings.REFERENCE_SEEDS_DIR / "fx_rates.csv")[1]
    return {(r["currency"], int(r["year"])): float(r["usd_per_unit"]) for r in rows}


def test_fx_table_covers_every_currency_year_the_registry_uses(claims):
    fx = _fx()
    for c in claims:
        if c["unit"] in CURRENCY_UNITS - {"USD"}:
            for year in {int(c["period"][:4]), int(c["period"][-4:] if ".." in c["period"] else c["period"][:4])}:
                assert (c["unit"], year) in fx, f"{_where(c)}: fx_rates.csv has no {c['unit']} rate for {year}"
    for currency in ("CNY", "EUR", "GBP"):
        for year in range(2020, 2027):
            assert (currency, year) in fx, f"fx_rates.csv: no {currency} annual average for {year}"


def _in_base_units(claim: dict[str, str], fx) -> tuple[float, float | None, float | None]:
    q = parse_quantity(claim["value_as_written"])
    factor = 1.0
    if claim["unit"] == "percent":
        factor = 0.01
    elif claim["unit"] in CURRENCY_UNITS - {"USD"}:
        factor = fx[(claim["unit"], int(claim["period"][:4]))]
    scale = (lambda x: None if x is None else x * factor)
    return q.value * factor, scale(q.low), scale(q.high)


def test_same_article_arithmetic_reproduces_its_stated_figure(checks, claims):
    """Checks whose inputs all come from the stated claim's article must hold; cross-article
    checks exist to expose disagreements between articles, so they are not asserted here."""
    by_id = {c["claim_id"]: c for c in claims}
    fx = _fx()
    combine = {
        "share_of_total": lambda a, b: a * b,
        "ratio_projection": lambda a, b: a * b,
        "multiple": lambda a, b: a / b,
        "yoy_growth": lambda a, b: a / b - 1,
    }
    asserted = 0
    for k in checks:
        stated = by_id[k["stated_claim_id"]]
        inputs = [by_id[i] for i in k["input_claim_ids"].split(";")]
        if any(i["source_id"] != stated["source_id"] for i in inputs):
            continue
        values = [_in_base_units(i, fx)[0] for i in inputs]
        recomputed = sum(values) if k["check_kind"] == "parts_sum" else combine[k["check_kind"]](*values)
        _, low, high = _in_base_units(stated, fx)
        tol = float(k["tolerance"])
        lo = (low if low is not None else float("-inf")) * (1 - tol)
        hi = (high if high is not None else float("inf")) * (1 + tol)
        assert lo <= recomputed <= hi, (
            f"claim_checks.csv {k['check_id']}: recomputed {recomputed:.4g} outside "
            f"[{lo:.4g}, {hi:.4g}] of {stated['claim_id']} {stated['value_as_written']!r}")
        asserted += 1
    assert asserted >= 5, "expected the same-article checks (shares, projection, multiples, parts) to be asserted"
