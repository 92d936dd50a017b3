"""Reads of organisations and people used by pages, the API and other apps."""

from django.db.models import Count, Q, QuerySet

from .countries import country_name
from .enums import MembershipStatus, OrganisationKind
from .models import Organisation, Person

MEMBERS = "members"
OTHERS = "others"
DIRECTORY_TYPES = (MEMBERS, OTHERS)

LISTED_MEMBER_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)
LISTED_OTHER_KINDS = (OrganisationKind.PARTNER, OrganisationKind.INTERNATIONAL_ORGANISATION, OrganisationKind.NGO)


def listed_organisations(*, directory_type: str = MEMBERS) -> QuerySet[Organisation]:
    """The organisations the public directory shows: member governments whose membership is active
    (or suspended, shown as such), or the partners, international organisations and NGOs."""
    if directory_type == OTHERS:
        return Organisation.objects.filter(kind__in=LISTED_OTHER_KINDS)
    return Organisation.objects.filter(kind=OrganisationKind.MEMBER_GOVERNMENT,
                                       membership_status__in=LISTED_MEMBER_STATUSES)


def is_listed(organisation: Organisation) -> bool:
    if organisation.kind == OrganisationKind.MEMBER_GOVERNMENT:
        return organisation.membership_status in LISTED_MEMBER_STATUSES
    return organisation.kind in LISTED_OTHER_KINDS


def directory_organisations(*, directory_type: str = MEMBERS, region: str = "", country: str = "",
                            q: str = "") -> QuerySet[Organisation]:
    queryset = listed_organisations(directory_type=directory_type)
    if region:
        queryset = queryset.filter(region=region)
    if country:
        queryset = queryset.filter(country=country.upper())
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(city__icontains=q))
    return queryset.annotate(
        public_people_count=Count("people", filter=Q(people__public_profile=True))
    ).order_by("name", "pk")


def directory_countries(*, directory_type: str = MEMBERS) -> list[tuple[str, str]]:
    """The countries present in the directory, as (code, name), sorted by name."""
    codes = (listed_organisations(directory_type=directory_type).exclude(country="")
             .values_list("country", flat=True).distinct())
    return sorted(((code, country_name(code)) for code in set(codes)), key=lambda pair: pair[1])


def public_people_of(*, organisation: Organisation) -> QuerySet[Person]:
    return organisation.people.filter(public_profile=True).order_by("last_name", "first_name", "pk")


def all_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name", "pk")


def all_people() -> QuerySet[Person]:
    return Person.objects.select_related("organisation").order_by("last_name", "first_name", "pk")
