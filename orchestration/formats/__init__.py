"""Declarative definitions of the seller exports the warehouse accepts.

Each `<kind>.yaml` beside this module describes one export kind: how to recognise it (header
signature), how each column is called on the platform (aliases, including Chinese Seller Center
labels), how to parse each value, which columns are personal data and what happens to them, and
the natural key / grain. The ingest engine (orchestration.ingest) is generic: supporting a new
layout variant means editing a YAML file and adding a fixture, not writing code.

Loading is lazy (`load_formats()`), so importing this package touches no file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from orchestration import settings
from orchestration.lib.yaml_load import safe_load

VALUE_TYPES = frozenset(
    {"id", "text", "int", "money", "percent", "decimal", "datetime", "date", "duration", "bool", "zip"}
)
# Families of datetime/date layouts. `slash` means "MM/DD/YYYY or DD/MM/YYYY, decided per file".
# `zone_abbrev` is Amazon's payments layout: month name, 12-hour time and a US zone abbreviation
# (`Jan 5, 2025 10:23:05 PM PST`), stored as a UTC instant (ingest.sqlgen.ZONE_ABBREVIATIONS).
DATETIME_FAMILIES = frozenset({"us_12h", "mdy", "dmy", "slash", "iso", "iso_offset", "shopify_offset", "zone_abbrev"})
PII_TREATMENTS = frozenset({"drop", "hash_buyer", "zip3", "keep_state", "attribution_only"})
PERIOD_RULES = frozenset({"none", "optional", "required"})
FILE_TYPES = frozenset({"csv", "tsv", "xlsx"})
DESCRIPTION_ROW_RULES = frozenset({"always", "never", "auto"})


class FormatDefinitionError(ValueError):
    """A YAML definition is malformed; the message names the file and the offending key."""


def normalize_header(text: str) -> str:
    """The form in which headers and aliases are compared.

    Platforms add stray spaces (TikTok's " Virtual Bundle Seller SKU"), change case between
    layout versions and DuckDB trims header cells, so matching is on a case-folded,
    whitespace-collapsed, NFKC form (full-width Chinese punctuation becomes ASCII).
    """
    text = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "")
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class ColumnSpec:
    name: str  # canonical snake_case name in the raw table
    aliases: tuple[str, ...]
    type: str
    description: str
    datetime_family: str | None = None
    required: bool = False  # the header must be present for the file to be accepted
    not_null: bool = False  # an empty value quarantines the row
    pii: str | None = None
    order_level: bool = False

    @property
    def normalized_aliases(self) -> frozenset[str]:
        return frozenset(normalize_header(a) for a in self.aliases)

    @property
    def stored(self) -> bool:
        """Whether the column itself is written to the raw table (drop/hash_buyer are not)."""
        return self.pii not in ("drop", "hash_buyer")


@dataclass(frozen=True)
class XlsxLayout:
    sheet: str | None  # preferred sheet name; None = first sheet
    header_row: int  # 1-based row holding column names (the metric row for sectioned layouts)
    description_row: str  # always | never | auto: a row right below the header describing columns
    section_row: int | None = None  # sectioned layouts: row holding section names over the metrics
    period_cell: str | None = None  # e.g. "A1": the cell holding the report's date range


@dataclass(frozen=True)
class FormatDefinition:
    kind: str
    raw_table: str
    description: str
    grain: str
    file_types: tuple[str, ...]
    signature: tuple[str, ...]  # canonical columns that must all be present to recognise the kind
    columns: tuple[ColumnSpec, ...]
    natural_key: tuple[str, ...]
    order_key: str | None = None
    order_level_note: str | None = None
    default_currency: str | None = None
    currency_column: str | None = None
    period: str = "none"
    period_from_filename: tuple[str, ...] = ()  # regexes with named groups (see ingest.period)
    exported_at_from_filename: str | None = None
    status_column: str | None = None
    statuses: dict[str, tuple[str, ...]] = field(default_factory=dict)  # canonical -> aliases
    date_checks: tuple[str, ...] = ()  # datetime/date columns that must fall inside the file's range
    earliest_plausible_date: str = "2016-01-01"
    xlsx: XlsxLayout | None = None
    csv_quote: str | None = '"'  # None: the flat file has no quoting at all (Amazon reports)
    source_path: Path | None = None

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.kind}: no column {name!r}")

    @property
    def pii_columns(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.pii)

    @property
    def has_buyer_key(self) -> bool:
        return any(c.pii == "hash_buyer" for c in self.columns)

    @property
    def has_money(self) -> bool:
        return any(c.type == "money" for c in self.columns)

    def match_headers(self, headers: list[str]) -> dict[str, str]:
        """Map canonical column -> the header (as seen in the file) that carries it."""
        by_norm: dict[str, str] = {}
        for header in headers:
            by_norm.setdefault(normalize_header(header), header)
        mapping: dict[str, str] = {}
        for col in self.columns:
            for alias in col.aliases:
                hit = by_norm.get(normalize_header(alias))
                if hit is not None:
                    mapping[col.name] = hit
                    break
        return mapping

    def signature_matches(self, headers: list[str]) -> bool:
        mapping = self.match_headers(headers)
        return all(name in mapping for name in self.signature)


def _fail(path: Path, message: str) -> FormatDefinitionError:
    return FormatDefinitionError(f"{path.name}: {message}")


def _as_tuple(value: Any) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def _parse_column(path: Path, name: str, raw: dict[str, Any], order_level: set[str]) -> ColumnSpec:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise _fail(path, f"column name {name!r} is not snake_case")
    if not isinstance(raw, dict):
        raise _fail(path, f"column {name}: expected a mapping")
    unknown = set(raw) - {"aliases", "type", "format", "required", "not_null", "pii", "description"}
    if unknown:
        raise _fail(path, f"column {name}: unknown keys {sorted(unknown)}")
    aliases = tuple(str(a) for a in _as_tuple(raw.get("aliases")))
    if not aliases:
        raise _fail(path, f"column {name}: needs at least one header alias")
    vtype = raw.get("type", "text")
    if vtype not in VALUE_TYPES:
        raise _fail(path, f"column {name}: type {vtype!r} not one of {sorted(VALUE_TYPES)}")
    family = raw.get("format")
    if vtype in ("datetime", "date"):
        family = family or "iso"
        if family not in DATETIME_FAMILIES:
            raise _fail(path, f"column {name}: format {family!r} not one of {sorted(DATETIME_FAMILIES)}")
    elif family is not None:
        raise _fail(path, f"column {name}: 'format' only applies to datetime/date columns")
    pii = raw.get("pii")
    if pii is not None and pii not in PII_TREATMENTS:
        raise _fail(path, f"column {name}: pii {pii!r} not one of {sorted(PII_TREATMENTS)}")
    if pii == "zip3" and vtype != "zip":
        raise _fail(path, f"column {name}: pii zip3 needs type zip")
    description = str(raw.get("description") or "").strip()
    if not description:
        raise _fail(path, f"column {name}: needs a description")
    return ColumnSpec(
        name=name,
        aliases=aliases,
        type=vtype,
        description=description,
        datetime_family=family,
        required=bool(raw.get("required", False)),
        not_null=bool(raw.get("not_null", False)),
        pii=pii,
        order_level=name in order_level,
    )


def parse_definition(path: Path) -> FormatDefinition:
    try:
        raw = safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _fail(path, f"invalid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise _fail(path, "top level must be a mapping")
    for key in ("kind", "raw_table", "description", "grain", "file_types", "signature", "columns", "natural_key"):
        if key not in raw:
            raise _fail(path, f"missing key {key!r}")
    if raw["kind"] != path.stem:
        raise _fail(path, f"kind {raw['kind']!r} must equal the file name stem {path.stem!r}")
    file_types = tuple(_as_tuple(raw["file_types"]))
    if not file_types or set(file_types) - FILE_TYPES:
        raise _fail(path, f"file_types must be a subset of {sorted(FILE_TYPES)}")
    order_level = set(_as_tuple(raw.get("order_level_columns")))
    columns_raw = raw["columns"]
    if not isinstance(columns_raw, dict):
        raise _fail(path, "columns must be a mapping of canonical name -> spec")
    columns = tuple(_parse_column(path, n, spec, order_level) for n, spec in columns_raw.items())
    names = {c.name for c in columns}
    seen_alias: dict[str, str] = {}
    for col in columns:
        for alias in col.normalized_aliases:
            if alias in seen_alias:
                raise _fail(path, f"alias {alias!r} used by both {seen_alias[alias]} and {col.name}")
            seen_alias[alias] = col.name

    def known(key: str, values: tuple) -> tuple:
        missing = [v for v in values if v not in names]
        if missing:
            raise _fail(path, f"{key} names unknown columns {missing}")
        return values

    signature = known("signature", tuple(_as_tuple(raw["signature"])))
    natural_key = tuple(_as_tuple(raw["natural_key"]))
    # `_line_in_order` is computed by the engine (position of the line within its order).
    known("natural_key", tuple(k for k in natural_key if k != "_line_in_order"))
    if "_line_in_order" in natural_key and not raw.get("order_key"):
        raise _fail(path, "natural_key uses _line_in_order, which needs order_key")
    known("order_level_columns", tuple(order_level))
    date_checks = known("date_checks", tuple(_as_tuple(raw.get("date_checks"))))
    order_key = raw.get("order_key")
    if order_key is not None:
        known("order_key", (order_key,))
    currency_column = raw.get("currency_column")
    if currency_column is not None:
        known("currency_column", (currency_column,))
    for name in signature:
        if not next(c for c in columns if c.name == name).required:
            raise _fail(path, f"signature column {name} must also be required")

    status_column = None
    statuses: dict[str, tuple[str, ...]] = {}
    if raw.get("statuses"):
        st = raw["statuses"]
        status_column = st.get("column")
        known("statuses.column", (status_column,))
        for canonical, aliases in (st.get("values") or {}).items():
            statuses[str(canonical)] = tuple(str(a) for a in _as_tuple(aliases)) or (str(canonical),)
        if not statuses:
            raise _fail(path, "statuses.values is empty")

    period = raw.get("period", "none")
    if period not in PERIOD_RULES:
        raise _fail(path, f"period must be one of {sorted(PERIOD_RULES)}")
    for rx in _as_tuple(raw.get("period_from_filename")):
        compiled = re.compile(rx)
        if not {"start", "end"} <= set(compiled.groupindex) and "day" not in compiled.groupindex:
            raise _fail(path, f"period_from_filename regex {rx!r} needs groups start+end or day")

    xlsx = None
    if "xlsx" in file_types:
        x = raw.get("xlsx") or {}
        rule = x.get("description_row", "never")
        if rule not in DESCRIPTION_ROW_RULES:
            raise _fail(path, f"xlsx.description_row must be one of {sorted(DESCRIPTION_ROW_RULES)}")
        xlsx = XlsxLayout(
            sheet=x.get("sheet"),
            header_row=int(x.get("header_row", 1)),
            description_row=rule,
            section_row=x.get("section_row"),
            period_cell=x.get("period_cell"),
        )
    return FormatDefinition(
        kind=raw["kind"],
        raw_table=raw["raw_table"],
        description=str(raw["description"]).strip(),
        grain=str(raw["grain"]).strip(),
        file_types=file_types,
        signature=signature,
        columns=columns,
        natural_key=natural_key,
        order_key=order_key,
        order_level_note=raw.get("order_level_note"),
        default_currency=raw.get("default_currency"),
        currency_column=currency_column,
        period=period,
        period_from_filename=tuple(_as_tuple(raw.get("period_from_filename"))),
        exported_at_from_filename=raw.get("exported_at_from_filename"),
        status_column=status_column,
        statuses=statuses,
        date_checks=date_checks,
        earliest_plausible_date=str(raw.get("earliest_plausible_date", "2016-01-01")),
        xlsx=xlsx,
        csv_quote=_csv_quote(path, raw.get("csv") or {}),
        source_path=path,
    )


def _csv_quote(path: Path, options: dict) -> str | None:
    unknown = set(options) - {"quote"}
    if unknown:
        raise _fail(path, f"csv: unknown keys {sorted(unknown)}")
    quote = options.get("quote", '"')
    if quote in (None, "", "none"):
        return None
    if len(str(quote)) != 1:
        raise _fail(path, "csv.quote must be one character or none")
    return str(quote)


@lru_cache(maxsize=4)
def _load(directory: str) -> tuple[FormatDefinition, ...]:
    paths = sorted(Path(directory).glob("*.yaml"))
    defs = tuple(parse_definition(p) for p in paths)
    tables = [d.raw_table for d in defs]
    dupes = {t for t in tables if tables.count(t) > 1}
    if dupes:
        raise FormatDefinitionError(f"raw tables defined twice: {sorted(dupes)}")
    return defs


def load_formats(directory: Path | None = None) -> tuple[FormatDefinition, ...]:
    """All export definitions, sorted by kind. Cached per directory."""
    return _load(str(directory or settings.FORMATS_DIR))


def get_format(kind: str, directory: Path | None = None) -> FormatDefinition:
    for fmt in load_formats(directory):
        if fmt.kind == kind:
            return fmt
    raise KeyError(f"unknown export kind {kind!r}; known: {[f.kind for f in load_formats(directory)]}")


__all__ = [
    "ColumnSpec",
    "FormatDefinition",
    "FormatDefinitionError",
    "XlsxLayout",
    "get_format",
    "load_formats",
    "normalize_header",
    "parse_definition",
]
