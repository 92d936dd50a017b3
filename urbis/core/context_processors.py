from django.conf import settings

from .timezones import sorted_zones


def urbis(request):
    return {
        "site_name": settings.URBIS_SITE_NAME,
        "display_tz_name": getattr(request, "display_tz_name", ""),
        "all_time_zones": sorted_zones,
    }
