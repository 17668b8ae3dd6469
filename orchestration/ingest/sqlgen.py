"""SQL generated from the YAML parsers: every value is parsed inside DuckDB, column-wise.

The source relation `_src` holds the file's mapped columns as text plus `_row_number`. One
CREATE TABLE AS turns it into `_parsed`, which has, per canonical column `x`:
  "x"      the typed value (NULL when empty or unparsable), computed from the cleaned text
           `x__v` (trailing TABs, lone TABs, `-` placeholders removed), which stays inside the statement,
  "x__cur" for money: the currency its prefix names (`MXN 790.00`, `$`),
and per row `_rule` / `_reason`: the first rule the row breaks, or NULL when it is loadable, and
`_original`: the cells as written (json, personal data left out), for quarantined rows only. The
status column keeps its text (`status__v`) for the gate. Orders' `_line_in_order` comes from
`line_numbers_sql` (a narrow window, joined back by position).
Nothing here iterates rows in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from orchestration.formats import ColumnSpec, FormatDefinition

WS = "' ' || chr(9) || chr(13) || chr(10)"
NULL_TOKENS = ("-", "--", "—", "N/A", "n/a", "NA", "null", "NULL", "None")

EXCEL_DAMAGE_REASON = "ID damaged by Excel (scientific notation); re-download the export"

_MONEY_RX = r"^(\(?)\s*(-?)\s*([A-Z]{2,3}\$?|R\$|\$|€|£)?\s*(-?)\s*([0-9][0-9., ]*)\s*(\)?)$"
_DECIMAL_COMMA_RX = r"[0-9]{1,3}(\.[0-9]{3})*,[0-9]{1,2}|[0-9]+,[0-9]{1,2}"
_ATTRIBUTION_KEY_RX = (
    r"(^|[^a-z])(utm|source|tiktok|tt|ttclid|ref|referrer|referral|campaign|creator|affiliate|channel)([^a-z]|$)"
)
# An e-mail, or a phone-like run of 7-15 digits (separators allowed). Longer digit runs are
# platform IDs ("TikTok Order ID: 5764...") that attribution needs.
_PERSONAL_VALUE_RX = r"@|(^|[^0-9])\+?([0-9][ .()-]*){6,14}[0-9]($|[^0-9])"

_DATETIME_LAYOUTS = {
    "us_12h": ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p"],
    "mdy": ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"],
    "dmy": ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %I:%M:%S %p", "%d/%m/%Y"],
}
# Zone abbreviations Amazon writes after its payment-report times, as hours from UTC. An abbreviation
# not listed leaves the value unparsable (the row is quarantined naming it), never silently shifted.
ZONE_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10,
}
_ZONE_ABBREV_LAYOUTS = ["%b %d, %Y %I:%M:%S %p", "%b %d, %Y %I:%M %p", "%b %d, %Y %H:%M:%S", "%d %b %Y %H:%M:%S"]
_TYPE_WORDS = {
    "int": "whole number",
    "money": "money amount",
    "percent": "percentage",
    "decimal": "number",
    "duration": "duration like 1m28s",
    "bool": "yes/no value",
}
CURRENCY_SYMBOLS = {"US$": "USD", "R$": "BRL", "RM": "MYR", "€": "EUR", "£": "GBP"}


def q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def sql_type(col: ColumnSpec) -> str:
    if col.type in ("id", "text", "zip"):
        return "VARCHAR"
    if col.type in ("int", "duration"):
        return "BIGINT"
    if col.type == "money":
        return "DECIMAL(18,2)"
    if col.type == "percent":
        return "DECIMAL(12,8)"  # a fraction: 4.11% -> 0.0411, exact
    if col.type == "decimal":
        return "DOUBLE"
    if col.type == "bool":
        return "BOOLEAN"
    if col.type == "date":
        return "DATE"
    if col.type == "datetime":
        return "TIMESTAMPTZ" if col.datetime_family in ("iso_offset", "shopify_offset", "zone_abbrev") else "TIMESTAMP"
    raise ValueError(col.type)


def raw_table_columns(fmt: FormatDefinition) -> list[tuple[str, str]]:
    """(name, type) of the raw table, in a stable order: data columns, then lineage metadata."""
    cols = [(c.name, sql_type(c)) for c in fmt.columns if c.stored]
    if fmt.has_buyer_key:
        cols.append(("buyer_key", "VARCHAR"))
    if fmt.order_key:
        cols.append(("_line_in_order", "INTEGER"))
    if fmt.status_column:
        cols.append((f"{fmt.status_column}_canonical", "VARCHAR"))
    if fmt.has_money or fmt.currency_column:
        cols.append(("_currency", "VARCHAR"))
    cols += [
        ("_batch_id", "VARCHAR"),
        ("_source_file", "VARCHAR"),
        ("_row_number", "BIGINT"),
        ("_file_period_start", "DATE"),
        ("_file_period_end", "DATE"),
        ("_file_exported_at", "TIMESTAMP"),
        ("_loaded_at", "TIMESTAMPTZ"),
    ]
    return cols


def _clean(src: str, col: ColumnSpec) -> str:
    return f"NULLIF(trim({src}, {WS}), '')"


def _placeholders(v: str, col: ColumnSpec) -> str:
    """`-`, `N/A`… mean "no value" in numeric and date columns; text keeps them as written."""
    if col.type in ("text", "id", "zip"):
        return v
    tokens = ", ".join(lit(t) for t in NULL_TOKENS)
    return f"CASE WHEN {v} IN ({tokens}) THEN NULL ELSE {v} END"


def _datetime_expr(v: str, family: str) -> str:
    iso = f"TRY_CAST({v} AS TIMESTAMP)"
    if family in ("us_12h", "mdy", "dmy"):
        layouts = "[" + ", ".join(lit(x) for x in _DATETIME_LAYOUTS[family]) + "]"
        # XLSX cells holding real dates arrive as ISO text: accepted in every family.
        return f"coalesce(try_strptime({v}, {layouts}), {iso})"
    if family == "iso":
        return iso
    if family == "iso_offset":
        return f"TRY_CAST({v} AS TIMESTAMPTZ)"
    if family == "shopify_offset":
        return f"coalesce(try_strptime({v}, '%Y-%m-%d %H:%M:%S %z'), TRY_CAST({v} AS TIMESTAMPTZ))"
    if family == "zone_abbrev":
        zone = f"upper(regexp_extract({v}, '\\s([A-Za-z]{{1,5}})$', 1))"
        hours = f"CASE {zone} " + " ".join(f"WHEN {lit(k)} THEN {h}" for k, h in ZONE_ABBREVIATIONS.items()) + " END"
        layouts = "[" + ", ".join(lit(x) for x in _ZONE_ABBREV_LAYOUTS) + "]"
        local = f"try_strptime(regexp_replace({v}, '\\s+[A-Za-z]{{1,5}}$', ''), {layouts})"
        # Local wall time minus the zone's offset is the UTC instant; an unknown zone gives NULL.
        return f"timezone('UTC', {local} - to_hours({hours}))"
    raise ValueError(f"unresolved datetime family {family!r}")


@dataclass
class ParsePlan:
    """Per-file choices the SQL depends on."""

    mapping: dict[str, str]  # canonical -> source column in _src
    headers: dict[str, str]  # canonical -> header as written in the file (for messages)
    slash_family: str = "mdy"  # resolution of `slash` columns for this file
    date_lower: date | None = None
    date_upper: date | None = None
    header_fields: int | None = None  # delimited text: fields in the header; `_src._fields` counts each record's


def _value_expr(col: ColumnSpec, v: str, m: str, plan: ParsePlan, default_currency: str) -> list[tuple[str, str]]:
    """(expression, alias) pairs for a column's typed value (and currency for money)."""
    t = col.type
    if t in ("text", "id"):
        if col.pii == "attribution_only":
            lines = f"string_split(replace({v}, chr(13), ''), chr(10))"
            keep = (
                f"list_filter({lines}, lambda l: regexp_matches(lower(split_part(l, ':', 1)), {lit(_ATTRIBUTION_KEY_RX)})"
                f" AND NOT regexp_matches(l, {lit(_PERSONAL_VALUE_RX)}))"
            )
            return [(f"NULLIF(array_to_string({keep}, chr(10)), '')", col.name)]
        return [(v, col.name)]
    if t == "zip":
        z = f"NULLIF(ltrim({v}, ''''), '')"
        return [(f"left({z}, 3)" if col.pii == "zip3" else z, col.name)]
    if t == "int":
        return [(
            (f"CASE WHEN regexp_full_match({v}, '[-+]?[0-9][0-9,]*(\\.0+)?') "
             f"THEN TRY_CAST(replace(split_part({v}, '.', 1), ',', '') AS BIGINT) END"),
            col.name,
        )]
    if t == "money":
        normalized = (
            f"CASE WHEN regexp_full_match({m}.num, {lit(_DECIMAL_COMMA_RX)}) "
            f"THEN replace(replace({m}.num, '.', ''), ',', '.') ELSE replace(replace({m}.num, ',', ''), ' ', '') END"
        )
        sign = f"CASE WHEN {m}.o = '(' OR {m}.n1 = '-' OR {m}.n2 = '-' THEN -1 ELSE 1 END"
        # {m} is NULL when the plain cast already worked (US exports: `41`, `8.99`): no regex then.
        value = (
            f"CASE WHEN {v} IS NULL THEN NULL WHEN {m} IS NULL THEN TRY_CAST({v} AS DECIMAL(18,2)) "
            f"WHEN {m}.num = '' OR ({m}.o = '(') <> ({m}.c = ')') "
            f"OR ({m}.n1 = '-' AND {m}.n2 = '-') THEN NULL "
            f"ELSE TRY_CAST({normalized} AS DECIMAL(18,2)) * {sign} END"
        )
        symbols = " ".join(f"WHEN {lit(k)} THEN {lit(val)}" for k, val in CURRENCY_SYMBOLS.items())
        currency = (
            f"CASE WHEN {v} IS NULL OR {m} IS NULL OR {m}.cur = '' THEN NULL ELSE CASE {m}.cur WHEN '$' THEN {lit(default_currency)} "
            f"{symbols} ELSE {m}.cur END END"
        )
        return [(value, col.name), (currency, f"{col.name}__cur")]
    if t == "percent":
        p = f"replace(replace({v}, ',', ''), ' ', '')"
        return [(
            (f"CASE WHEN regexp_full_match({p}, '[-+]?[0-9]*\\.?[0-9]+%?') "
             f"THEN CAST(TRY_CAST(rtrim({p}, '%') AS DECIMAL(18,6)) / 100 AS DECIMAL(12,8)) END"),
            col.name,
        )]
    if t == "decimal":
        return [(f"TRY_CAST(replace({v}, ',', '') AS DOUBLE)", col.name)]
    if t == "bool":
        return [(
            (f"CASE WHEN lower({v}) IN ('true', 'yes', 'y', '1', 't', '是', 'sí', 'si') THEN TRUE "
             f"WHEN lower({v}) IN ('false', 'no', 'n', '0', 'f', '否') THEN FALSE END"),
            col.name,
        )]
    if t == "duration":
        part = lambda unit: f"coalesce(TRY_CAST(regexp_extract({v}, '([0-9]+) *{unit}', 1) AS BIGINT), 0)"
        return [(
            (f"CASE WHEN regexp_full_match({v}, '[0-9]+') THEN TRY_CAST({v} AS BIGINT) "
             f"WHEN regexp_full_match({v}, '([0-9]+ *h)? *([0-9]+ *m(in)?)? *([0-9]+ *s)?') "
             f"THEN {part('h')} * 3600 + {part('m')} * 60 + {part('s')} "
             f"WHEN regexp_full_match({v}, '([0-9]+:)?[0-9]{{1,2}}:[0-9]{{2}}') "
             f"THEN list_reduce(list_transform(string_split({v}, ':'), lambda x: TRY_CAST(x AS BIGINT)), "
             f"lambda a, b: a * 60 + b) END"),
            col.name,
        )]
    if t in ("datetime", "date"):
        family = col.datetime_family or "iso"
        if family == "slash":
            family = plan.slash_family
        expr = _datetime_expr(v, family)
        if t == "date":
            expr = f"CAST({expr} AS DATE)"
        return [(expr, col.name)]
    raise ValueError(t)


def parse_sql(fmt: FormatDefinition, plan: ParsePlan) -> str:
    """CREATE TEMP TABLE _parsed AS … (uses the named parameter $salt when a buyer key is built)."""
    cols = [c for c in fmt.columns if c.name in plan.mapping]
    default_currency = fmt.default_currency or "USD"

    passed = ["_row_number"] + (["_fields"] if plan.header_fields else [])
    if line_numbers_sql(fmt, plan):
        passed.append("_line_in_order")
    trimmed = list(passed)
    for c in cols:
        trimmed.append(f"{_clean(q(plan.mapping[c.name]), c)} AS {q(c.name + '__v')}")
    clean = passed + [f"{_placeholders(q(c.name + '__v'), c)} AS {q(c.name + '__v')}" for c in cols]
    money = ["*"]
    for c in cols:
        if c.type == "money":
            v = q(c.name + "__v")
            money.append(
                f"CASE WHEN {v} IS NOT NULL AND TRY_CAST({v} AS DECIMAL(18,2)) IS NULL THEN "
                f"regexp_extract({v}, {lit(_MONEY_RX)}, ['o', 'n1', 'cur', 'n2', 'num', 'c']) END"
                f" AS {q(c.name + '__m')}"
            )
    typed = ["*"]
    typed_aliases: list[str] = []
    for c in cols:
        if c.pii in ("drop", "hash_buyer"):
            continue
        for expr, alias in _value_expr(c, q(c.name + "__v"), q(c.name + "__m"), plan, default_currency):
            typed.append(f"{expr} AS {q(alias)}")
            typed_aliases.append(alias)
    buyer_cols = [c for c in cols if c.pii == "hash_buyer"]
    if buyer_cols:
        ident = "coalesce(" + ", ".join(f"lower({q(c.name + '__v')})" for c in buyer_cols) + ")"
        # Masked values (T**** B****) identify nobody: hashing them would merge strangers.
        typed.append(
            f"CASE WHEN {ident} IS NULL OR contains({ident}, '*') THEN NULL "
            f"ELSE sha256($salt || {ident}) END AS buyer_key"
        )
        typed_aliases.append("buyer_key")

    if fmt.status_column and fmt.status_column in plan.mapping:
        sv = q(fmt.status_column + "__v")
        whens = " ".join(
            f"WHEN {sv} IN ({', '.join(lit(a) for a in (canonical, *aliases))}) THEN {lit(canonical)}"
            for canonical, aliases in fmt.statuses.items()
        )
        # Localised exports ("Completado", "已完成") map to one canonical status per the YAML.
        typed.append(f"CASE {whens} END AS {q(fmt.status_column + '_canonical')}")
        typed_aliases.append(fmt.status_column + "_canonical")

    rules: list[tuple[str, str, str]] = []  # (condition, rule, reason expression)
    if plan.header_fields:
        # First: a record whose field count differs from the header's has its values in the wrong columns
        # (a TAB or delimiter inside a value, a cut line); none of its values can be trusted or shown.
        rules.append((
            f"_fields <> {int(plan.header_fields)}",
            "field_count_mismatch",
            (f"'the row has ' || _fields || ' fields where the header has {int(plan.header_fields)}: a TAB or "
             "delimiter inside a value (or a cut line) shifts its values into the wrong columns; fix the value in "
             "the export or re-download it'"),
        ))
    for c in cols:
        v = q(c.name + "__v")
        header = plan.headers[c.name]
        if c.type == "id":
            rules.append((
                # contains() first: the regex then only runs on the rare values holding an E.
                f"(contains({v}, 'E') OR contains({v}, 'e')) AND regexp_full_match({v}, '[0-9]+(\\.[0-9]+)?[eE][+-]?[0-9]+')",
                "excel_damaged_id",
                f"{lit(EXCEL_DAMAGE_REASON + f' (column {header!r} = ')} || {v} || ')'",
            ))
    for c in cols:
        if c.not_null:
            rules.append((
                f"{q(c.name + '__v')} IS NULL",
                "missing_value",
                lit(f"required value missing in column {plan.headers[c.name]!r}"),
            ))
    for c in cols:
        if c.type in ("text", "id", "zip") or c.pii in ("drop", "hash_buyer"):
            continue
        v = q(c.name + "__v")
        what = _TYPE_WORDS.get(c.type)
        if c.type in ("datetime", "date"):
            family = c.datetime_family if c.datetime_family != "slash" else plan.slash_family
            what = {
                "mdy": "MM/DD/YYYY date", "dmy": "DD/MM/YYYY date", "us_12h": "MM/DD/YYYY h:mm:ss AM/PM time",
                "iso": "ISO date", "iso_offset": "ISO 8601 time with offset",
                "shopify_offset": "YYYY-MM-DD HH:MM:SS +hhmm time",
                "zone_abbrev": "time like Jan 5, 2025 10:23:05 PM PST (with a US zone abbreviation)",
            }[family]
        shown = "(hidden: personal data)" if c.pii else f"''' || {v} || '''"
        rules.append((
            f"{v} IS NOT NULL AND {q(c.name)} IS NULL",
            f"unparsable_{c.type}",
            f"'column {_sql_safe(plan.headers[c.name])} value {shown} is not a valid {what}'",
        ))
    for name in fmt.date_checks:
        if name not in plan.mapping or (plan.date_lower is None and plan.date_upper is None):
            continue
        d = f"CAST({q(name)} AS DATE)"
        conds = []
        if plan.date_lower:
            conds.append(f"{d} < DATE '{plan.date_lower.isoformat()}'")
        if plan.date_upper:
            conds.append(f"{d} > DATE '{plan.date_upper.isoformat()}'")
        rng = f"[{plan.date_lower or '…'} .. {plan.date_upper or '…'}]"
        rules.append((
            f"({' OR '.join(conds)})",
            "date_out_of_range",
            (f"'column {_sql_safe(plan.headers[name])} value ' || CAST({q(name)} AS VARCHAR) || "
             f"' is outside the range this file can cover {rng}'"),
        ))

    # One CASE yields "rule<US>reason", so each condition is evaluated once per row.
    if rules:
        fail_case = "CASE " + " ".join(f"WHEN {cond} THEN {lit(rule + chr(31))} || {reason}" for cond, rule, reason in rules) + " END"
    else:
        fail_case = "CAST(NULL AS VARCHAR)"
    # `_parsed` keeps only what the gate and the writes read: typed values, the status text, the rule, and the
    # quarantined rows' original cells (built only for those rows). The cleaned texts (`x__v`) and money
    # matches (`x__m`) stay inside the statement: materialising them doubled the table's width.
    final = ["_row_number"] + [q(alias) for alias in typed_aliases]
    if fmt.status_column and fmt.status_column in plan.mapping:
        final.append(q(fmt.status_column + "__v"))
    final += [
        "split_part(_fail, chr(31), 1) AS _rule", "split_part(_fail, chr(31), 2) AS _reason",
        f"CASE WHEN _fail IS NOT NULL THEN {_original_json(fmt, plan)} END AS _original",
    ]
    source = "_src"
    if line_numbers_sql(fmt, plan):
        final.append("_line_in_order")
        source = "_src POSITIONAL JOIN _lines"
    return (
        "CREATE OR REPLACE TEMP TABLE _parsed AS\n"
        f"WITH r AS (SELECT {', '.join(trimmed)} FROM {source}),\n"
        f"c AS (SELECT {', '.join(clean)} FROM r),\n"
        f"m AS (SELECT {', '.join(money)} FROM c),\n"
        f"t AS (SELECT {', '.join(typed)} FROM m),\n"
        f"f AS (SELECT *, {fail_case} AS _fail FROM t)\n"
        f"SELECT {', '.join(final)} FROM f"
    )


def _sql_safe(text: str) -> str:
    return repr(text).replace("'", "''")


def slash_detection_sql(fmt: FormatDefinition, mapping: dict[str, str]) -> str | None:
    """Counts that decide MM/DD vs DD/MM for this file's `slash` columns (NULL when none)."""
    cols = [c for c in fmt.columns if c.name in mapping and c.datetime_family == "slash"]
    if not cols:
        return None
    union = " UNION ALL ".join(
        f"SELECT _row_number, trim({q(mapping[c.name])}, {WS}) AS v FROM _src" for c in cols
    )
    return (
        "SELECT count(*) FILTER (WHERE TRY_CAST(split_part(v, '/', 1) AS INT) > 12),"
        " min(_row_number) FILTER (WHERE TRY_CAST(split_part(v, '/', 1) AS INT) > 12),"
        " count(*) FILTER (WHERE TRY_CAST(split_part(v, '/', 2) AS INT) > 12),"
        " min(_row_number) FILTER (WHERE TRY_CAST(split_part(v, '/', 2) AS INT) > 12),"
        " count(*) FILTER (WHERE regexp_matches(v, '[0-9] ?[AaPp][Mm]$')),"
        " count(*)"
        f" FROM ({union}) WHERE v LIKE '%/%/%'"
    )


def line_numbers_sql(fmt: FormatDefinition, plan: ParsePlan) -> str | None:
    """CREATE TEMP TABLE _lines: each record's position within its order, one narrow column in record order.

    The window runs over (record number, order key) only, and `parse_sql` joins it back by position:
    a window inside the wide parse statement made DuckDB hold every parsed column of the file at once."""
    if not (fmt.order_key and fmt.order_key in plan.mapping):
        return None
    key = _clean(q(plan.mapping[fmt.order_key]), fmt.column(fmt.order_key))
    return (
        "CREATE OR REPLACE TEMP TABLE _lines AS SELECT _line_in_order FROM ("
        f"SELECT _row_number, CAST(row_number() OVER (PARTITION BY {key} ORDER BY _row_number) AS INTEGER) "
        "AS _line_in_order FROM _src) ORDER BY _row_number"
    )


def _original_json(fmt: FormatDefinition, plan: ParsePlan) -> str:
    """json_object of the row's original cells, keyed by header, personal-data columns left out
    (inside parse_sql, where the cleaned texts `x__v` are still in scope)."""
    parts = []
    for c in fmt.columns:
        if c.name not in plan.mapping or (c.pii and c.pii != "keep_state"):
            continue
        parts.append(f"{lit(plan.headers[c.name])}, {q(c.name + '__v')}")
    cells = "json_object(" + ", ".join(parts) + ")" if parts else "json_object()"
    # A shifted record's cells sit under the wrong headers (a dropped city under "ship-state"): none is kept.
    return f"CASE WHEN starts_with(_fail, {lit('field_count_mismatch' + chr(31))}) THEN json_object() ELSE {cells} END"
