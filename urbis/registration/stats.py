"""The staff dashboard's figures: a fixed number of grouped queries, whatever the size of the edition."""

import datetime as dt
from collections import Counter
from functools import lru_cache

import pycountry
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from urbis.core.taxonomies import WORLD_REGIONS, region_of_country
from urbis.members.countries import country_name
from urbis.members.enums import MembershipStatus, OrganisationKind

from .enums import Category, Mode, Status
from .models import Attendance, CheckIn, Registration

TITLES = {
    "status": _("By status"),
    "mode": _("By attendance mode"),
    "category": _("By category"),
    "country": _("By country"),
    "city": _("By city"),
    "region": _("By world region"),
    "organisation_type": _("By type of organisation"),
    "checkins_by_day": _("On-site check-ins per day"),
    "online_attendance": _("Online attendance per session"),
}


@lru_cache(maxsize=512)
def _region(code: str) -> str:
    try:
        return region_of_country(code) if code else ""
    except Exception:  # noqa: BLE001 — an odd code lands in "unknown", not a 500
        return ""


def iso_numeric(alpha2: str) -> str:
    country = pycountry.countries.get(alpha_2=alpha2.upper()) if alpha2 else None
    return country.numeric if country else ""


def _table(headers: list[str], rows: list[list]) -> dict:
    return {"headers": headers, "rows": rows}


def dashboard(edition, *, today: dt.date | None = None) -> dict:
    """Every breakdown of the dashboard, as {name: {"headers": [...], "rows": [[...], ...]}} plus totals."""
    from urbis.program.selectors import published_sessions

    today = today or timezone.localtime(timezone.now(), edition.zone).date()
    active = Registration.objects.filter(edition=edition).exclude(status__in=[Status.CANCELLED, Status.DECLINED])
    status_labels, mode_labels, category_labels = dict(Status.choices), dict(Mode.choices), dict(Category.choices)
    by_status = Counter(dict(Registration.objects.filter(edition=edition).values_list("status")
                             .annotate(n=Count("id")).values_list("status", "n")))
    by_mode = Counter(dict(active.values_list("mode").annotate(n=Count("id")).values_list("mode", "n")))
    by_category = Counter(dict(active.values_list("category").annotate(n=Count("id")).values_list("category", "n")))
    rows = list(active.values_list("country", "city", "organisation__city", "organisation__kind",
                                   "organisation__region", "organisation_id", "organisation__membership_status",
                                   "organisation__kind"))
    countries: Counter = Counter()
    cities: Counter = Counter()
    regions: Counter = Counter()
    kinds: Counter = Counter()
    members = set()
    int_orgs = set()
    for country, city, org_city, kind, org_region, org_id, membership, _kind in rows:
        countries[country or ""] += 1
        place = (org_city or city or "").strip()
        if place:
            cities[(place, country or "")] += 1
        regions[org_region or _region(country or "")] += 1
        kinds[kind or ""] += 1
        if org_id and membership == MembershipStatus.ACTIVE:
            members.add(org_id)
        if org_id and kind == OrganisationKind.INTERNATIONAL_ORGANISATION:
            int_orgs.add(org_id)
    region_labels = dict(WORLD_REGIONS)
    kind_labels = dict(OrganisationKind.choices)
    checkins_today = CheckIn.objects.filter(edition=edition, day=today, session_code="").count()
    checkins_by_day = list(CheckIn.objects.filter(edition=edition, session_code="").values_list("day")
                           .annotate(n=Count("id")).order_by("day").values_list("day", "n"))
    titles = dict(published_sessions(edition).values_list("code", "title"))
    online = list(Attendance.objects.filter(edition=edition).values_list("session_code")
                  .annotate(joined=Count("id"), attended=Count("id", filter=Q(attended=True)))
                  .order_by("session_code").values_list("session_code", "joined", "attended"))
    tables = {
        "status": _table(["status", "count"], [[str(status_labels[k]), by_status.get(k, 0)] for k in Status.values]),
        "mode": _table(["mode", "count"], [[str(mode_labels[k]), by_mode.get(k, 0)] for k in Mode.values]),
        "category": _table(["category", "count"],
                           [[str(category_labels[k]), by_category.get(k, 0)] for k in Category.values]),
        "country": _table(["country", "code", "count"],
                          [[country_name(code) or "—", code, n] for code, n in countries.most_common()]),
        "city": _table(["city", "country", "count"], [[c, k, n] for (c, k), n in cities.most_common()]),
        "region": _table(["region", "count"],
                         [[str(region_labels.get(k, "—")), n] for k, n in regions.most_common()]),
        "organisation_type": _table(["type", "count"],
                                    [[str(kind_labels.get(k, "—")), n] for k, n in kinds.most_common()]),
        "checkins_by_day": _table(["day", "check-ins"], [[d.isoformat(), n] for d, n in checkins_by_day]),
        "online_attendance": _table(["session", "title", "joined", "attended"],
                                    [[code, titles.get(code, ""), j, a] for code, j, a in online]),
    }
    totals = {
        "registrations": sum(by_status.values()),
        "active": len(rows),
        "approved": by_status.get(Status.APPROVED, 0),
        "countries": len([c for c in countries if c]),
        "cities": len(cities),
        "members": len(members),
        "international_organisations": len(int_orgs),
        "on_site": by_mode.get(Mode.ON_SITE, 0),
        "online": by_mode.get(Mode.ONLINE, 0),
        "checkins_today": checkins_today,
        "today": today.isoformat(),
    }
    world = [{"id": iso_numeric(code), "code": code, "name": country_name(code), "value": n}
             for code, n in countries.items() if code and iso_numeric(code)]
    return {"tables": tables, "totals": totals, "world": world}
