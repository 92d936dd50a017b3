import zoneinfo
from urllib.parse import unquote

from .timezones import is_valid_zone

TZ_COOKIE = "urbis_tz"


class DisplayTimezoneMiddleware:
    """Pick the zone in which this visitor reads times: their saved choice, else the zone their
    browser reported (cookie), else none (pages then show the edition's zone only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = ""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "time_zone", ""):
            name = user.time_zone
        if not name:
            # The browser script URI-encodes the zone ("Europe%2FParis").
            name = unquote(request.COOKIES.get(TZ_COOKIE, ""))
        request.display_tz_name = name if is_valid_zone(name) else ""
        request.display_tz = zoneinfo.ZoneInfo(request.display_tz_name) if request.display_tz_name else None
        return self.get_response(request)
