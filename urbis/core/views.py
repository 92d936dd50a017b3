from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .middleware import TZ_COOKIE
from .models import AuditEntry
from .pagination import paginate
from .permissions import can_read_audit_log
from .timezones import is_valid_zone


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    return target


@require_POST
def set_time_zone(request):
    """Remember the zone a visitor wants to read times in (cookie; also the profile when logged in)."""
    name = request.POST.get("time_zone", "").strip()
    response = HttpResponseRedirect(_safe_next(request))
    if name and not is_valid_zone(name):
        messages.error(request, _("Unknown time zone: %(zone)s.") % {"zone": name})
        return response
    if request.user.is_authenticated:
        from urbis.accounts.services import update_profile_time_zone

        update_profile_time_zone(user=request.user, time_zone=name)
    if name:
        response.set_cookie(TZ_COOKIE, name, max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(TZ_COOKIE)
    return response


@require_GET
def audit_log(request):
    if not can_read_audit_log(request.user):
        raise PermissionDenied
    entries = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    return render(request, "core/audit_log.html", {"page": paginate(request, entries), "action": action})


@require_GET
def staff_home(request):
    if not (request.user.is_authenticated and request.user.is_staff):
        raise PermissionDenied
    return render(request, "core/staff_home.html")
