"""Tables of organisations and people in and out (CSV and XLSX through tablib).

Layering (after pretalx): `read_table` turns an uploaded file into rows of strings or raises one
file-level error; `plan_*` checks every row against the database without writing and says what
would be created, updated or left unchanged, with row-level errors; the services in
`services.py` apply a plan that has no errors, in one transaction."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import tablib
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext as _

from urbis.core.errors import ValidationFailed
from urbis.core.taxonomies import region_of_country

from .models import Organisation, Person

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

ORGANISATION_COLUMNS = ("slug", "name", "kind", "country", "city", "population", "region", "time_zone",
                        "membership_status", "member_since", "dues_paid", "website", "latitude", "longitude")
ORGANISATION_REQUIRED = ("slug", "name", "kind")
PERSON_COLUMNS = ("slug", "first_name", "last_name", "email", "title", "function", "organisation", "country",
                  "languages", "time_zone", "public_profile", "bio")
PERSON_REQUIRED = ("slug", "first_name", "last_name")

_TRUE = {"1", "true", "yes", "y", "x"}
_FALSE = {"0", "false", "no", "n", ""}


@dataclass(frozen=True)
class RowError:
    row: int  # the row number as a spreadsheet shows it (the header is row 1)
    column: str
    code: str
    message: str


@dataclass(frozen=True)
class RowPlan:
    row: int
    slug: str
    action: str  # "create", "update" or "unchanged"
    values: dict[str, Any]
    changed: tuple[str, ...] = ()
    pk: int | None = None


@dataclass(frozen=True)
class ImportResult:
    kind: str  # "organisations" or "people"
    rows: tuple[RowPlan, ...] = ()
    errors: tuple[RowError, ...] = ()
    applied: bool = False

    def _count(self, action: str) -> int:
        return sum(1 for plan in self.rows if plan.action == action)

    @property
    def created(self) -> int:
        return self._count("create")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def applied_copy(self) -> ImportResult:
        return replace(self, applied=True)


# Reading files ---------------------------------------------------------------------------------

# A text cell starting with one of these is a formula to a spreadsheet: exports put a quote in
# front of it (so opening the file runs nothing) and imports take that quote off again.
_FORMULA_STARTS = ("=", "+", "-", "@")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in _FORMULA_STARTS:
        return text[1:]
    return text


def read_table(*, name: str, content: bytes) -> list[dict[str, str]]:
    """The rows of an uploaded CSV or XLSX file, as dicts of strings keyed by lower-case column
    names. Raises ValidationFailed for a file that cannot be read at all."""
    lowered = name.lower()
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(_("The file is larger than 5 MB."), code="file_too_large", field="file")
    dataset = tablib.Dataset()
    if lowered.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(_("The CSV file is not encoded in UTF-8."), code="bad_encoding",
                                   field="file") from None
        if not text.strip():
            raise ValidationFailed(_("The file is empty."), code="empty_file", field="file")
        try:
            dataset.load(text, format="csv")
        except Exception:  # tablib raises a variety of errors for malformed tables
            raise ValidationFailed(_("The CSV file could not be read."), code="broken_file", field="file") from None
    elif lowered.endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(content)):
            raise ValidationFailed(_("The XLSX file is damaged or is not an Excel workbook."), code="broken_file",
                                   field="file")
        try:
            dataset.load(content, format="xlsx")
        except Exception:  # openpyxl raises many kinds of errors on damaged workbooks
            raise ValidationFailed(_("The XLSX file is damaged or is not an Excel workbook."), code="broken_file",
                                   field="file") from None
    else:
        raise ValidationFailed(_("Upload a .csv or .xlsx file."), code="wrong_file_type", field="file")
    headers = [_cell(h).lower() for h in (dataset.headers or [])]
    rows = []
    for raw in dataset:
        values = [_cell(v) for v in raw]
        if not any(values):
            continue
        rows.append({h: v for h, v in zip(headers, values, strict=False) if h})
    if not rows:
        raise ValidationFailed(_("The file has no data rows."), code="empty_file", field="file")
    return rows


# Planning --------------------------------------------------------------------------------------

class _RowChecker:
    def __init__(self, row: int, errors: list[RowError]):
        self.row, self.errors, self.failed = row, errors, False

    def error(self, column: str, code: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, code, str(message)))
        self.failed = True

    def check(self, validate, column: str, value: Any) -> Any:
        try:
            return validate({column: value})[column]
        except ValidationFailed as exc:
            self.error(column, exc.code, exc.message)
            return None

    def integer(self, column: str, text: str, code: str, message: str) -> int | None:
        if text == "":
            return None
        try:
            return int(text.replace(" ", "").replace("_", ""))
        except ValueError:
            self.error(column, code, message)
            return None

    def number(self, column: str, text: str) -> float | None:
        if text == "":
            return None
        try:
            return float(text)
        except ValueError:
            self.error(column, "invalid_coordinate", _("Invalid coordinate."))
            return None

    def boolean(self, column: str, text: str) -> bool | None:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        self.error(column, "invalid_boolean", _("Write yes or no."))
        return None


def _start(rows: list[dict[str, str]], required: tuple[str, ...]) -> tuple[list[RowError], set[str]]:
    errors: list[RowError] = []
    if not rows:
        errors.append(RowError(1, "", "empty_file", _("The file has no data rows.")))
        return errors, set()
    present = set().union(*(row.keys() for row in rows))
    for column in required:
        if column not in present:
            errors.append(RowError(1, column, "missing_column",
                                   _("The required column %(column)s is missing.") % {"column": column}))
    return errors, present


def _slug_of(checker: _RowChecker, text: str, seen: dict[str, int]) -> str:
    slug = text.strip()
    if not slug:
        checker.error("slug", "required", _("A slug is required."))
    elif slug != slugify(slug):
        checker.error("slug", "invalid_slug", _("A slug may only hold lower-case letters, digits and hyphens."))
    elif slug in seen:
        checker.error("slug", "duplicate_slug",
                      _("The slug %(slug)s also appears in row %(row)s.") % {"slug": slug, "row": seen[slug]})
    else:
        seen[slug] = checker.row
    return slug


def _existing(model: type[models.Model], slugs: list[str], lock: bool) -> dict[str, Any]:
    queryset = model.objects.filter(slug__in=slugs)  # type: ignore[attr-defined]
    if lock:
        queryset = queryset.select_for_update()
    return {obj.slug: obj for obj in queryset}


def _plan_row(checker: _RowChecker, slug: str, values: dict[str, Any], existing: Any,
              compare: dict[str, Any]) -> RowPlan | None:
    if checker.failed:
        return None
    if existing is None:
        return RowPlan(checker.row, slug, "create", values)
    changed = tuple(sorted(f for f, v in compare.items() if getattr(existing, f) != v))
    return RowPlan(checker.row, slug, "update" if changed else "unchanged",
                   {f: compare[f] for f in changed}, changed, existing.pk)


@lru_cache(maxsize=512)
def _region_or_blank(country: str) -> str:
    # Cached: core's region_of_country loads the geonames country table on every call.
    try:
        return region_of_country(country) if country else ""
    except KeyError:
        return ""


def plan_organisations(rows: list[dict[str, str]], *, lock: bool = False) -> ImportResult:
    """What importing these rows would do, without writing anything."""
    from .services import RESERVED_SLUGS
    from .services import validate_organisation_fields as validate

    errors, present = _start(rows, ORGANISATION_REQUIRED)
    if errors:
        return ImportResult("organisations", errors=tuple(errors))
    existing = _existing(Organisation, [r.get("slug", "").strip() for r in rows], lock)
    seen: dict[str, int] = {}
    plans: list[RowPlan] = []
    for index, row in enumerate(rows, start=2):
        checker = _RowChecker(index, errors)
        slug = _slug_of(checker, row.get("slug", ""), seen)
        current = existing.get(slug)
        if slug in RESERVED_SLUGS:
            checker.error("slug", "reserved_slug", _("This slug is reserved."))
        values: dict[str, Any] = {}
        for column in ("name", "kind", "country", "city", "region", "time_zone", "membership_status", "website"):
            if column in present:
                text = row.get(column, "")
                if column in ("kind", "membership_status") and text == "":
                    if current is None and column == "kind":
                        checker.error("kind", "required", _("A type is required."))
                    continue
                values[column] = checker.check(validate, column, text) if column != "city" else text
        if "population" in present:
            number = checker.integer("population", row.get("population", ""), "invalid_population",
                                     _("The population must be a whole number, zero or more."))
            values["population"] = checker.check(validate, "population", number) if number is not None else None
        if "member_since" in present:
            year = checker.integer("member_since", row.get("member_since", ""), "invalid_year",
                                   _("'Member since' must be a year."))
            values["member_since"] = checker.check(validate, "member_since", year) if year is not None else None
        for column in ("latitude", "longitude"):
            if column in present:
                number = checker.number(column, row.get(column, ""))
                values[column] = checker.check(validate, column, number) if number is not None else None
        if "dues_paid" in present and row.get("dues_paid", "") != "":
            values["dues_paid"] = checker.boolean("dues_paid", row.get("dues_paid", ""))
        if ("region" in values or "country" in values) and not values.get("region"):
            # A blank region is the country's region (the new country's, else the current one's).
            country = values.get("country") if "country" in values else getattr(current, "country", "")
            values["region"] = _region_or_blank(country or "")
        if current is None:
            values["slug"] = slug
            values.setdefault("membership_status", "none")
        plan = _plan_row(checker, slug, values, current, {k: v for k, v in values.items() if k != "slug"})
        if plan is not None:
            plans.append(plan)
    return ImportResult("organisations", rows=tuple(plans), errors=tuple(errors))


def plan_people(rows: list[dict[str, str]], *, lock: bool = False) -> ImportResult:
    """What importing these rows would do, without writing anything."""
    from .services import RESERVED_SLUGS
    from .services import validate_person_fields as validate

    errors, present = _start(rows, PERSON_REQUIRED)
    if errors:
        return ImportResult("people", errors=tuple(errors))
    existing = _existing(Person, [r.get("slug", "").strip() for r in rows], lock)
    organisation_slugs = {r.get("organisation", "").strip() for r in rows} - {""}
    organisations = dict(Organisation.objects.filter(slug__in=organisation_slugs).values_list("slug", "pk"))
    seen: dict[str, int] = {}
    plans: list[RowPlan] = []
    for index, row in enumerate(rows, start=2):
        checker = _RowChecker(index, errors)
        slug = _slug_of(checker, row.get("slug", ""), seen)
        current = existing.get(slug)
        if slug in RESERVED_SLUGS:
            checker.error("slug", "reserved_slug", _("This slug is reserved."))
        values: dict[str, Any] = {}
        for column in ("first_name", "last_name", "email", "function", "country", "time_zone"):
            if column in present:
                text = row.get(column, "")
                if column == "function" and text == "":
                    continue
                values[column] = checker.check(validate, column, text)
        for column in ("title", "bio"):
            if column in present:
                values[column] = row.get(column, "")
        if "languages" in present:
            codes = [c.strip() for c in row.get("languages", "").replace(";", ",").split(",") if c.strip()]
            values["languages"] = checker.check(validate, "languages", codes)
        if "public_profile" in present and row.get("public_profile", "") != "":
            values["public_profile"] = checker.boolean("public_profile", row.get("public_profile", ""))
        if "organisation" in present:
            org_slug = row.get("organisation", "").strip()
            if org_slug and org_slug not in organisations:
                checker.error("organisation", "unknown_organisation",
                              _("Unknown organisation: %(slug)s.") % {"slug": org_slug})
            values["organisation_id"] = organisations.get(org_slug)
        if current is None:
            values["slug"] = slug
        plan = _plan_row(checker, slug, values, current, {k: v for k, v in values.items() if k != "slug"})
        if plan is not None:
            plans.append(plan)
    return ImportResult("people", rows=tuple(plans), errors=tuple(errors))


def apply_plan(model: type[Organisation] | type[Person], result: ImportResult) -> None:
    """Write an error-free plan. Call inside the import service's transaction."""
    assert not result.errors
    model.objects.bulk_create([model(**plan.values) for plan in result.rows if plan.action == "create"])
    for plan in result.rows:
        if plan.action == "update":
            model.objects.filter(pk=plan.pk).update(**plan.values)


# Serialising the preview between the dry run and the confirmation ------------------------------

def rows_to_json(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{str(k): str(v) for k, v in row.items()} for row in rows]


# Export ----------------------------------------------------------------------------------------

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _export(dataset: tablib.Dataset, fmt: str) -> bytes:
    if fmt not in CONTENT_TYPES:
        raise ValidationFailed(_("Unknown export format: %(value)s.") % {"value": fmt}, code="unknown_format",
                               field="format")
    data = dataset.export(fmt)
    return data.encode("utf-8") if isinstance(data, str) else data


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def export_organisations(*, queryset: models.QuerySet[Organisation], fmt: str) -> bytes:
    dataset = tablib.Dataset(headers=list(ORGANISATION_COLUMNS), title="organisations")
    for org in queryset.order_by("name", "pk"):
        dataset.append([_text(getattr(org, column)) for column in ORGANISATION_COLUMNS])
    return _export(dataset, fmt)


def export_people(*, queryset: models.QuerySet[Person], fmt: str) -> bytes:
    dataset = tablib.Dataset(headers=list(PERSON_COLUMNS), title="people")
    for person in queryset.select_related("organisation").order_by("last_name", "first_name", "pk"):
        row = []
        for column in PERSON_COLUMNS:
            if column == "organisation":
                row.append(person.organisation.slug if person.organisation else "")
            elif column == "languages":
                row.append(_text(", ".join(person.languages or [])))
            else:
                row.append(_text(getattr(person, column)))
        dataset.append(row)
    return _export(dataset, fmt)
