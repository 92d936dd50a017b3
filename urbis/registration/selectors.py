"""Reads of registration reused in several places (other apps use the first two)."""

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet

from .enums import Mode, Status
from .models import Attendance, CheckIn, Registration, RegistrationSettings


def checked_in_user_ids(*, edition, on_day: dt.date | None = None) -> set[int]:
    """User ids of the people checked in on site for the edition (optionally on one local day)."""
    qs = CheckIn.objects.filter(edition=edition, registration__user__isnull=False)
    if on_day is not None:
        qs = qs.filter(day=on_day)
    return set(qs.values_list("registration__user_id", flat=True).distinct())


def is_registered(*, user, edition) -> bool:
    """Whether the person has an approved registration for the edition."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Registration.objects.filter(edition=edition, user=user, status=Status.APPROVED).exists()


def registration_of(*, user, edition) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (Registration.objects.select_related("edition", "organisation")
            .filter(edition=edition, user=user).first())


def settings_of(edition) -> RegistrationSettings:
    found = RegistrationSettings.objects.filter(edition=edition).first()
    return found or RegistrationSettings(edition=edition)


def registrations_of_edition(edition) -> QuerySet[Registration]:
    return (Registration.objects.filter(edition=edition).select_related("organisation", "user")
            .order_by("last_name", "first_name", "id"))


def onsite_holders(edition) -> QuerySet[Registration]:
    return Registration.objects.filter(edition=edition, mode=Mode.ON_SITE, status=Status.APPROVED)


def on_site_queue() -> Q:
    """Who is on the on-site waiting list: new on-site registrations waiting for a seat, and approved
    online registrations that asked to come on site (they stay online until promoted). One list, one order."""
    return Q(status=Status.WAITLISTED) | Q(onsite_wanted=True)


def waiting_list(edition) -> QuerySet[Registration]:
    return (Registration.objects.filter(on_site_queue(), edition=edition).order_by("waitlisted_at", "id"))


def checkins_of_edition(edition) -> QuerySet[CheckIn]:
    return (CheckIn.objects.filter(edition=edition).select_related("registration", "registration__organisation", "by")
            .order_by("-at", "-id"))


def attendances_of_edition(edition) -> QuerySet[Attendance]:
    return (Attendance.objects.filter(edition=edition).select_related("registration")
            .order_by("session_code", "registration__last_name", "id"))


def member_delegations(edition, *, q: str = "") -> QuerySet:
    """Member governments with their delegation contacts and the number of their delegates in the edition."""
    from urbis.members.enums import OrganisationKind
    from urbis.members.models import Organisation

    from .enums import Category
    from .models import DelegationContact

    qs = Organisation.objects.filter(kind=OrganisationKind.MEMBER_GOVERNMENT)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(city__icontains=q) | Q(country__iexact=q))
    delegates = Count("registrations", filter=Q(registrations__edition=edition,
                                                registrations__category=Category.DELEGATE)
                      & ~Q(registrations__status__in=[Status.CANCELLED, Status.DECLINED]))
    return (qs.annotate(delegates=delegates).order_by("name", "id")
            .prefetch_related(Prefetch("delegation_contacts",
                                       queryset=DelegationContact.objects.select_related("user")
                                       .order_by("user__email"))))
