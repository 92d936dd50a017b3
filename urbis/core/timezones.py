"""IANA time zones: validation and conversion for display. Storage is always UTC."""

import zoneinfo
from datetime import datetime
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed


@lru_cache(maxsize=1)
def all_zones() -> frozenset[str]:
    return frozenset(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")


def sorted_zones() -> list[str]:
    return sorted(all_zones())


def is_valid_zone(name: str) -> bool:
    return name in all_zones()


def get_zone(name: str) -> zoneinfo.ZoneInfo:
    if not is_valid_zone(name):
        raise ValidationFailed(_("Unknown time zone: %(zone)s.") % {"zone": name}, code="unknown_time_zone",
                               field="time_zone")
    return zoneinfo.ZoneInfo(name)


def zone_abbreviation(moment: datetime, zone: zoneinfo.ZoneInfo) -> str:
    """'CST', 'CET', or '+08' — what a reader expects next to a clock time."""
    return moment.astimezone(zone).tzname() or str(zone)
