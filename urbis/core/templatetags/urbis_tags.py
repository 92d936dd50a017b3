from django import template
from django.utils import timezone as djtz

from ..timezones import zone_abbreviation

register = template.Library()


@register.filter
def in_zone(value, zone):
    """The datetime in a zone (a ZoneInfo); None or blank leaves it as it is."""
    if value is None or not zone:
        return value
    return djtz.localtime(value, zone)


@register.filter
def zone_abbr(value, zone):
    if value is None or not zone:
        return ""
    return zone_abbreviation(value, zone)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (blank removes them)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    params.pop("page", None) if "page" not in changes else None
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
