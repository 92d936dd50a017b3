from django.utils import timezone
from django.views.decorators.http import require_GET

from . import cache, selectors, timeline
from .enums import SessionStatus
from .views_public import _anonymous_page_key


@require_GET
def home(request):
    """The edition at a glance: dates, place, zone, what is on now and next, and where to go.

    Cached for anonymous visitors until the next start or end among the sessions it shows."""
    key = _anonymous_page_key(request, "home")
    hit = cache.cached_page(request, key)
    if hit is not None:
        return hit
    edition = selectors.current_edition()
    context: dict = {"edition": edition}
    valid_until = None
    if edition is not None:
        version = selectors.latest_version(edition)
        visitor_zone = getattr(request, "display_tz", None)
        context.update(version=version, edition_zone=edition.zone, visitor_zone=visitor_zone,
                       display_zone=visitor_zone or edition.zone, zone_next=request.get_full_path())
        if version is not None:
            now = timezone.now()
            qs = selectors.programme_sessions(version=version, user=request.user, filters=selectors.ProgrammeFilters())
            candidates = list(qs.filter(ends_at__gt=now).exclude(status=SessionStatus.CANCELLED)[:30])
            running, upcoming = timeline.now_and_next(candidates, now=now, limit=3)
            context.update(running=running[:3], upcoming=upcoming, session_count=qs.count(),
                           speaker_count=selectors.speakers_of_version(version=version, user=request.user).count(),
                           day_count=(edition.ends_on - edition.starts_on).days + 1)
            changes = [s.ends_at for s in running] + [s.starts_at for s in candidates if s.starts_at > now]
            valid_until = min(changes, default=None)
    return cache.render_page(request, key, "program/home.html", context, valid_until=valid_until)
