"""Who is calling the API: the Django session (a browser), or a personal API token (a script).

Safe methods need nothing more; unsafe methods (POST, PATCH, PUT, DELETE) must also carry the CSRF
token (the ``X-CSRFToken`` header with the ``csrftoken`` cookie), exactly like a form of the site.
Anonymous callers get 401 ``unauthenticated``; a missing or wrong CSRF token gives 403 ``csrf_failed``.
A token (``Authorization: Bearer urbis_…``) needs no CSRF token: browsers never send it by themselves.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from urbis.core.errors import PermissionDenied

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"
    default_message = _("The CSRF token is missing or wrong: send the X-CSRFToken header.")


class SessionUser(APIKeyCookie):
    """The logged-in user of the session cookie; unsafe methods also need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, after authentication, so anonymous gets 401

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request) is not None:
                raise CsrfFailed()
        return user

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        return self(request)


session_auth = SessionUser()


class TokenUser(HttpBearer):
    """The owner of a personal API token (see urbis.api.services.create_api_token)."""

    def authenticate(self, request, token):
        from .services import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user  # permissions and visibility read request.user, as for a session
        return user


token_auth = TokenUser()
# Endpoints that change something accept either a token or the session (with its CSRF token).
api_auth = [token_auth, session_auth]
