"""Every write on organisations and people. Each service validates, changes state in one
transaction and leaves an audit entry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from urbis.core.audit import log_action
from urbis.core.errors import ValidationFailed
from urbis.core.taxonomies import WORLD_REGIONS, region_of_country
from urbis.core.timezones import is_valid_zone

from .countries import is_valid_country
from .enums import MembershipStatus, OrganisationKind, PersonFunction
from .models import Organisation, Person

if TYPE_CHECKING:
    from urbis.accounts.models import User

    from .importing import ImportResult

# Slugs that would collide with the directory's own URLs (/members/staff/…).
RESERVED_SLUGS = frozenset({"staff", "export", "import", "people"})

ORGANISATION_FIELDS = frozenset({
    "name", "slug", "kind", "country", "city", "population", "region", "time_zone", "latitude", "longitude",
    "website", "membership_status", "member_since", "dues_paid", "description",
})
PERSON_FIELDS = frozenset({
    "first_name", "last_name", "slug", "email", "title", "function", "organisation", "country", "languages",
    "time_zone", "bio", "public_profile", "user",
})


def _unique_slug(model: type[Organisation] | type[Person], base: str, *, exclude_pk: int | None = None) -> str:
    base = (slugify(base) or "item")[:200]
    taken = set(model.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    candidate, n = base, 2
    while candidate in taken or candidate in RESERVED_SLUGS:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _check_slug(model: type[Organisation] | type[Person], slug: str, *, exclude_pk: int | None = None) -> str:
    if slug != slugify(slug) or not slug:
        raise ValidationFailed(_("A slug may only hold lower-case letters, digits and hyphens."),
                               code="invalid_slug", field="slug")
    if slug in RESERVED_SLUGS:
        raise ValidationFailed(_("This slug is reserved."), code="reserved_slug", field="slug")
    if model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        raise ValidationFailed(_("This slug is already in use."), code="duplicate_slug", field="slug")
    return slug


def validate_organisation_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise organisation fields (country upper-case, region derived from the country
    when not given). Raises ValidationFailed naming the field."""
    unknown = set(values) - ORGANISATION_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown field: %(field)s.") % {"field": sorted(unknown)[0]}, code="unknown_field")
    data = dict(values)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            raise ValidationFailed(_("A name is required."), code="required", field="name")
    if "kind" in data and data["kind"] not in OrganisationKind.values:
        raise ValidationFailed(_("Unknown organisation type: %(value)s.") % {"value": data["kind"]},
                               code="unknown_kind", field="kind")
    if "membership_status" in data and data["membership_status"] not in MembershipStatus.values:
        raise ValidationFailed(_("Unknown membership status: %(value)s.") % {"value": data["membership_status"]},
                               code="unknown_membership_status", field="membership_status")
    if "country" in data:
        data["country"] = (data["country"] or "").strip().upper()
        if data["country"] and not is_valid_country(data["country"]):
            raise ValidationFailed(_("Unknown country code: %(value)s.") % {"value": data["country"]},
                                   code="unknown_country", field="country")
    if "region" in data:
        data["region"] = (data["region"] or "").strip()
        if data["region"] and data["region"] not in dict(WORLD_REGIONS):
            raise ValidationFailed(_("Unknown world region: %(value)s.") % {"value": data["region"]},
                                   code="unknown_region", field="region")
    if "time_zone" in data:
        data["time_zone"] = (data["time_zone"] or "").strip()
        if data["time_zone"] and not is_valid_zone(data["time_zone"]):
            raise ValidationFailed(_("Unknown time zone: %(zone)s.") % {"zone": data["time_zone"]},
                                   code="unknown_time_zone", field="time_zone")
    if data.get("population") is not None:
        if isinstance(data["population"], bool) or not isinstance(data["population"], int) or data["population"] < 0:
            raise ValidationFailed(_("The population must be a whole number, zero or more."),
                                   code="invalid_population", field="population")
    if data.get("member_since") is not None:
        year = data["member_since"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1800 <= year <= 2200:
            raise ValidationFailed(_("'Member since' must be a year."), code="invalid_year", field="member_since")
    for field, limit in (("latitude", 90), ("longitude", 180)):
        value = data.get(field)
        if value is not None and (not isinstance(value, int | float) or isinstance(value, bool) or abs(value) > limit):
            raise ValidationFailed(_("Invalid coordinate."), code="invalid_coordinate", field=field)
    if data.get("website"):
        try:
            URLValidator()(data["website"])
        except DjangoValidationError:
            raise ValidationFailed(_("Invalid web address."), code="invalid_url", field="website") from None
    return data


def _derive_region(data: dict[str, Any], *, current_region: str = "") -> None:
    if data.get("country") and not data.get("region") and not current_region:
        try:
            data["region"] = region_of_country(data["country"])
        except KeyError:
            data["region"] = ""


@transaction.atomic
def create_organisation(*, name: str, kind: str, actor: User | None, slug: str = "", country: str = "",
                        city: str = "", population: int | None = None, region: str = "", time_zone: str = "",
                        latitude: float | None = None, longitude: float | None = None, website: str = "",
                        membership_status: str = MembershipStatus.NONE, member_since: int | None = None,
                        dues_paid: bool = True, description: str = "") -> Organisation:
    """Create an organisation; the region comes from the country when not given. Audited."""
    data = validate_organisation_fields({
        "name": name, "kind": kind, "country": country, "city": city.strip(), "population": population,
        "region": region, "time_zone": time_zone, "latitude": latitude, "longitude": longitude,
        "website": website.strip(), "membership_status": membership_status, "member_since": member_since,
        "dues_paid": dues_paid, "description": description,
    })
    _derive_region(data)
    data["slug"] = _check_slug(Organisation, slug) if slug else _unique_slug(Organisation, data["name"])
    organisation = Organisation.objects.create(**data)
    log_action(organisation, "members.organisation.created", actor=actor,
               data={"slug": organisation.slug, "kind": organisation.kind})
    return organisation


@transaction.atomic
def update_organisation(*, organisation: Organisation, actor: User | None, **changes: Any) -> Organisation:
    """Change some fields of an organisation (only those given). Audited with the changed fields."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    data = validate_organisation_fields(changes)
    if "slug" in data:
        data["slug"] = _check_slug(Organisation, data["slug"], exclude_pk=organisation.pk)
    if "country" in data and "region" not in data and data["country"] != organisation.country:
        data["region"] = ""
        _derive_region(data)
    changed = {field: value for field, value in data.items() if getattr(organisation, field) != value}
    if changed:
        for field, value in changed.items():
            setattr(organisation, field, value)
        organisation.save(update_fields=[*changed, "updated_at"])
        log_action(organisation, "members.organisation.updated", actor=actor, data={"fields": sorted(changed)})
    return organisation


def validate_person_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise person fields. Raises ValidationFailed naming the field."""
    unknown = set(values) - PERSON_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown field: %(field)s.") % {"field": sorted(unknown)[0]}, code="unknown_field")
    data = dict(values)
    for field in ("first_name", "last_name"):
        if field in data:
            data[field] = (data[field] or "").strip()
            if not data[field] and field == "last_name":
                raise ValidationFailed(_("A last name is required."), code="required", field=field)
    if "email" in data:
        data["email"] = (data["email"] or "").strip().lower()
        if data["email"]:
            try:
                validate_email(data["email"])
            except DjangoValidationError:
                raise ValidationFailed(_("Invalid e-mail address."), code="invalid_email", field="email") from None
    if "function" in data and data["function"] not in PersonFunction.values:
        raise ValidationFailed(_("Unknown function: %(value)s.") % {"value": data["function"]},
                               code="unknown_function", field="function")
    if "country" in data:
        data["country"] = (data["country"] or "").strip().upper()
        if data["country"] and not is_valid_country(data["country"]):
            raise ValidationFailed(_("Unknown country code: %(value)s.") % {"value": data["country"]},
                                   code="unknown_country", field="country")
    if "time_zone" in data:
        data["time_zone"] = (data["time_zone"] or "").strip()
        if data["time_zone"] and not is_valid_zone(data["time_zone"]):
            raise ValidationFailed(_("Unknown time zone: %(zone)s.") % {"zone": data["time_zone"]},
                                   code="unknown_time_zone", field="time_zone")
    if "languages" in data:
        languages = list(data["languages"] or [])
        if not all(isinstance(code, str) and 2 <= len(code) <= 10 for code in languages):
            raise ValidationFailed(_("Languages must be language codes such as en or fr."),
                                   code="invalid_languages", field="languages")
        data["languages"] = [code.strip().lower() for code in languages]
    if data.get("organisation") is not None and not isinstance(data["organisation"], Organisation):
        raise ValidationFailed(_("Unknown organisation."), code="unknown_organisation", field="organisation")
    return data


@transaction.atomic
def create_person(*, first_name: str, last_name: str, actor: User | None, slug: str = "", email: str = "",
                  title: str = "", function: str = PersonFunction.OTHER, organisation: Organisation | None = None,
                  country: str = "", languages: list[str] | None = None, time_zone: str = "", bio: str = "",
                  public_profile: bool = True, user: User | None = None) -> Person:
    """Create a person; the country and zone default to the organisation's. Audited."""
    data = validate_person_fields({
        "first_name": first_name, "last_name": last_name, "email": email, "title": title.strip(),
        "function": function, "organisation": organisation, "country": country, "languages": languages or [],
        "time_zone": time_zone, "bio": bio, "public_profile": public_profile, "user": user,
    })
    if organisation is not None:
        data["country"] = data["country"] or organisation.country
        data["time_zone"] = data["time_zone"] or organisation.time_zone
    full_name = f"{data['first_name']} {data['last_name']}"
    data["slug"] = _check_slug(Person, slug) if slug else _unique_slug(Person, full_name)
    person = Person.objects.create(**data)
    log_action(person, "members.person.created", actor=actor, data={"slug": person.slug})
    return person


@transaction.atomic
def update_person(*, person: Person, actor: User | None, **changes: Any) -> Person:
    """Change some fields of a person (only those given). Audited with the changed fields."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    data = validate_person_fields(changes)
    if "slug" in data:
        data["slug"] = _check_slug(Person, data["slug"], exclude_pk=person.pk)
    changed = {field: value for field, value in data.items() if getattr(person, field) != value}
    if changed:
        for field, value in changed.items():
            setattr(person, field, value)
        person.save(update_fields=[*changed, "updated_at"])
        log_action(person, "members.person.updated", actor=actor, data={"fields": sorted(changed)})
    return person


def import_organisations(*, rows: list[dict[str, str]], actor: User | None, dry_run: bool) -> ImportResult:
    """Create or update organisations from table rows (keyed by slug), all or nothing; the real run
    is one transaction with one audit entry holding the counts."""
    from .importing import apply_plan, plan_organisations

    if dry_run:
        return plan_organisations(rows)
    with transaction.atomic():
        result = plan_organisations(rows, lock=True)
        if result.errors:
            return result
        apply_plan(Organisation, result)
        log_action(None, "members.organisations.imported", actor=actor, data=result.counts())
    return result.applied_copy()


def import_people(*, rows: list[dict[str, str]], actor: User | None, dry_run: bool) -> ImportResult:
    """Create or update people from table rows (keyed by slug), all or nothing; the real run is one
    transaction with one audit entry holding the counts."""
    from .importing import apply_plan, plan_people

    if dry_run:
        return plan_people(rows)
    with transaction.atomic():
        result = plan_people(rows, lock=True)
        if result.errors:
            return result
        apply_plan(Person, result)
        log_action(None, "members.people.imported", actor=actor, data=result.counts())
    return result.applied_copy()
