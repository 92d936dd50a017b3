"""Badge tokens: signed (django.core.signing, own salt), carrying the registration and edition ids."""

import secrets

from django.conf import settings
from django.core import signing

SALT = "urbis.registration.badge"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed by staff at the door
CODE_LENGTH = 10


class BadToken(Exception):
    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def badge_token(registration) -> str:
    return signing.dumps({"r": registration.pk, "e": registration.edition_id}, salt=SALT, compress=True)


def read_badge_token(token: str) -> tuple[int, int]:
    """(registration id, edition id); raises BadToken("forged"|"expired")."""
    max_age = getattr(settings, "URBIS_BADGE_MAX_AGE_DAYS", 400) * 86400
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken("expired_token") from None
    except signing.BadSignature:
        raise BadToken("forged_token") from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int) or not isinstance(data.get("e"), int):
        raise BadToken("forged_token")
    return data["r"], data["e"]


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())
