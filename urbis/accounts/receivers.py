"""Presentation glue on allauth's signals (no domain logic here)."""

from django.conf import settings

LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def remember_language_on_login(sender, request, response, user, **kwargs) -> None:
    """A person who chose an interface language gets it on every device they log in from: the
    language cookie that LocaleMiddleware reads is set on the login response."""
    if response is not None and getattr(user, "language", "") in dict(settings.LANGUAGES):
        set_language_cookie(response, user.language)


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=LANGUAGE_COOKIE_AGE,
                        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
