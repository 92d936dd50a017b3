from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from urbis.core.errors import ValidationFailed

from .forms import ProfileForm
from .permissions import can_edit_own_profile
from .selectors import roles_of
from .services import update_profile


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
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, max_age=365 * 24 * 3600,
                                    samesite="Lax")
            else:
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
            return response
    person = getattr(user, "person", None)
    return render(request, "accounts/profile.html", {
        "form": form, "roles": roles_of(user=user), "person": person,
    }, status=400 if form.errors else 200)
