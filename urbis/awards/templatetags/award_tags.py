"""Award pages' times: in the visitor's zone, next to the cycle's reference zone, always labelled."""

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def _clock(moment, zone):
    local = moment.astimezone(zone)
    return format_html('<time datetime="{}">{}</time> <abbr class="zone" title="{}">{}</abbr>',
                       local.isoformat(), formats.date_format(local, "Y-m-d H:i"), str(zone), local.tzname() or str(zone))


@register.simple_tag(takes_context=True)
def award_when(context, moment):
    """A moment in the visitor's zone (when known) and, when that differs, in the cycle's reference zone.

    Needs `cycle_zone` (and optionally `visitor_zone`) in the context; see views._zones."""
    if moment is None:
        return "—"
    cycle_zone = context.get("cycle_zone")
    visitor_zone = context.get("visitor_zone")
    primary_zone = visitor_zone or cycle_zone
    if primary_zone is None:
        return _clock(moment, moment.tzinfo)
    primary = _clock(moment, primary_zone)
    if cycle_zone is None or str(primary_zone) == str(cycle_zone):
        return format_html('<span class="when">{}</span>', primary)
    return format_html('<span class="when"><span class="when-mine" title="{}">{}</span> '
                       '<span class="when-venue" title="{}">({} {})</span></span>',
                       _("your time"), primary, _("the cycle's reference time"), _("reference:"),
                       _clock(moment, cycle_zone))
