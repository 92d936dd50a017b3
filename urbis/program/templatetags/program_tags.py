"""Template helpers of the public programme: times that always say their zone, SDG badges."""

import datetime as dt
from dataclasses import asdict
from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from urbis.core.timezones import sorted_zones

from ..enums import LANGUAGE_CHOICES

register = template.Library()

_LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


def _range_html(start: dt.datetime, end: dt.datetime, zone, *, show_date: bool):
    s, e = start.astimezone(zone), end.astimezone(zone)
    date = format_html("{} ", formats.date_format(s, "D j M")) if show_date else ""
    next_day = format_html(' <span class="next-day" title="{}">+1</span>', _("ends the next day")) \
        if e.date() != s.date() else ""
    return format_html(
        '{}<time datetime="{}">{}</time>–<time datetime="{}">{}</time>{} <abbr class="zone" title="{}">{}</abbr>',
        date, s.isoformat(), formats.date_format(s, "H:i"), e.isoformat(), formats.date_format(e, "H:i"),
        next_day, str(zone), s.tzname() or str(zone))


@register.simple_tag(takes_context=True)
def session_when(context, session, with_date=False):
    """The session's times in the visitor's zone (when known) and in the edition's zone, side by side.

    The edition-zone time shows its date whenever that date differs from the visitor's one."""
    edition_zone = context.get("edition_zone")
    visitor_zone = context.get("visitor_zone")
    primary_zone = visitor_zone or edition_zone
    primary = _range_html(session.starts_at, session.ends_at, primary_zone, show_date=bool(with_date))
    if not visitor_zone or str(visitor_zone) == str(edition_zone):
        return format_html('<span class="when">{}</span>', primary)
    other_date = session.starts_at.astimezone(edition_zone).date() != session.starts_at.astimezone(visitor_zone).date()
    secondary = _range_html(session.starts_at, session.ends_at, edition_zone, show_date=bool(with_date) or other_date)
    return format_html(
        '<span class="when"><span class="when-mine" title="{}">{}</span> '
        '<span class="when-venue" title="{}">({} {})</span></span>',
        _("your time"), primary, _("time at the venue"), _("venue:"), secondary)


@register.simple_tag
def clock(moment, zone, fmt="H:i"):
    """One moment in one zone with the zone's abbreviation, e.g. 10:00 CST."""
    if moment is None or zone is None:
        return ""
    local = moment.astimezone(zone)
    return format_html('<time datetime="{}">{}</time> <abbr class="zone" title="{}">{}</abbr>',
                       local.isoformat(), formats.date_format(local, fmt), str(zone), local.tzname() or str(zone))


@register.filter
def language_name(code):
    return _LANGUAGE_NAMES.get(code, code)


@register.filter
def language_names(codes):
    return ", ".join(str(_LANGUAGE_NAMES.get(c, c)) for c in codes or [])


@register.simple_tag
def sdg_badges(sdgs):
    return format_html_join(" ", '<span class="sdg" style="background:{}" title="{}">{} {}</span>',
                            ((g.colour, g.label, _("SDG"), g.number) for g in sdgs))


# ---------------------------------------------------------------- links of the current edition or the archive
# A page of an earlier edition (context variable `archive`, the Edition) links within that edition,
# under /<edition-slug>/…; the current edition's pages keep their short URLs.

def _archive_slug(context) -> str | None:
    archive = context.get("archive")
    return archive.slug if archive else None


@register.simple_tag(takes_context=True)
def programme_url(context):
    slug = _archive_slug(context)
    return reverse("program:archive_programme", args=[slug]) if slug else reverse("program:programme")


@register.simple_tag(takes_context=True)
def session_url(context, code):
    slug = _archive_slug(context)
    return reverse("program:archive_session", args=[slug, code]) if slug else reverse("program:session", args=[code])


@register.simple_tag(takes_context=True)
def speakers_url(context):
    slug = _archive_slug(context)
    return reverse("program:archive_speakers", args=[slug]) if slug else reverse("program:speakers")


@register.simple_tag(takes_context=True)
def speaker_url(context, person_slug):
    slug = _archive_slug(context)
    return (reverse("program:archive_speaker", args=[slug, person_slug]) if slug
            else reverse("program:speaker", args=[person_slug]))


@register.simple_tag(takes_context=True)
def export_url(context, name, code=None):
    """An export of the page's edition: `programme_ics`, `schedule_json`, `schedule_xml` or `session_ics`."""
    slug = _archive_slug(context)
    args = [code] if code else []
    if slug:
        return reverse(f"program:export_{name}_edition", args=[slug, *args])
    return reverse(f"program:export_{name}", args=args)


@register.filter
def is_url(value):
    return isinstance(value, str) and value.startswith(("https://", "http://"))


@register.simple_tag
def programme_query(filters, view="grid", day=None, **changes):
    """A query string for the programme from the VALIDATED filters (never the raw request), so
    that a cached page links the same way for everyone who gets it."""
    params = {k: v for k, v in asdict(filters).items() if v not in (None, "")}
    if view and view != "grid":
        params["view"] = view
    if day:
        params["day"] = day.isoformat() if hasattr(day, "isoformat") else str(day)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(params) if params else "?"


@register.filter
def is_in(value, container):
    return bool(container) and value in container


@register.filter
def in_zone_date(moment, zone):
    """The ISO date (YYYY-MM-DD) of a moment in a zone, e.g. for a ?day= link."""
    if moment is None or zone is None:
        return ""
    return moment.astimezone(zone).date().isoformat()


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key)


@lru_cache(maxsize=64)
def _zone_options(selected: str) -> str:
    return "".join(f'<option value="{z}"{" selected" if z == selected else ""}>{z}</option>' for z in sorted_zones())


@register.simple_tag
def zone_options(selected=""):
    """The <option>s of every IANA zone (400+), built once per selected zone rather than per request."""
    return mark_safe(_zone_options(str(selected or "")))  # noqa: S308 - zone names are from the IANA database


# Day labels per interface language (Django's own DATE_FORMAT has no weekday).
_DAY_FORMATS = {
    "long": {"en": "l j F Y", "fr": "l j F Y", "es": r"l j \d\e F \d\e Y", "zh-hans": "Y年n月j日 l"},
    "short": {"en": "D j M", "fr": "D j M", "es": "D j M", "zh-hans": "n月j日 D"},
}


@register.filter
def day_label(day, style="long"):
    if not day:
        return ""
    formats_of_style = _DAY_FORMATS.get(style, _DAY_FORMATS["long"])
    return formats.date_format(day, formats_of_style.get(get_language() or "en", formats_of_style["en"]))
