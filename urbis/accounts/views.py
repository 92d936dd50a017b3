from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from urbis.core.errors import DomainError, ValidationFailed
from urbis.core.pagination import paginate

from .enums import Role
from .forms import GrantRoleForm, ProfileForm
from .models import RoleGrant, User
from .permissions import can_edit_own_profile, can_manage_roles
from .receivers import set_language_cookie
from .selectors import role_grants, roles_of, staff_users
from .services import grant_role, revoke_role, update_profile


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """One's own name, reading time zone and interface language, and the roles one holds."""
    if not can_edit_own_profile(request.user):
        raise PermissionDenied
    user = request.user
    initial = {"display_name": user.display_name, "time_zone": user.time_zone, "language": user.language}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = update_profile(user=user, actor=user, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(exc.field, str(exc.message))
        else:
            if user.language:
                translation.activate(user.language)
            messages.success(request, _("Your profile was saved."))
            response = redirect("accounts:profile")
            if user.language:
                set_language_cookie(response, user.language)
            else:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
    person = getattr(user, "person", None)
    return render(request, "accounts/profile.html", {
        "form": form, "roles": roles_of(user=user), "person": person,
    }, status=400 if form.errors else 200)


def _require_role_manager(request) -> None:
    if not can_manage_roles(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def role_overview(request):
    """Who holds which role; staff grant and revoke roles here."""
    _require_role_manager(request)
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is None:
            form.add_error("email", _("No account has this e-mail address."))
        else:
            grant_role(user=user, role=form.cleaned_data["role"], actor=request.user)
            messages.success(request, _("Role given to %(user)s.") % {"user": user})
            return redirect("accounts:roles")
    return render(request, "accounts/roles.html", {
        "form": form, "page": paginate(request, role_grants(role=role)), "role": role, "roles": Role.choices,
        "staff": staff_users(),
    }, status=400 if form.errors else 200)


@require_POST
def role_revoke(request, grant_id: int):
    _require_role_manager(request)
    grant = get_object_or_404(RoleGrant.objects.select_related("user"), pk=grant_id)
    try:
        revoke_role(user=grant.user, role=grant.role, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Role taken from %(user)s.") % {"user": grant.user})
    return redirect("accounts:roles")
