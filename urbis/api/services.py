"""Every write on API tokens; each is atomic and audited (never with the secret)."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.core.audit import log_action
from urbis.core.errors import Conflict, ValidationFailed

from .models import ApiToken

TOKEN_PREFIX = "urbis_"  # noqa: S105 - a marker, not a secret
MAX_ACTIVE_TOKENS = 20


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, user, name: str, actor) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it with its secret (shown once, never stored); audited."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the token a name."), code="name_required", field="name")
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise Conflict(_("You have too many active tokens; revoke one first."), code="too_many_tokens")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=secret[:12], key_hash=hash_token(secret))
    log_action(token, "api.token.created", actor=actor, data={"user": user.pk, "name": token.name,
                                                               "prefix": token.prefix})
    return token, secret


@transaction.atomic
def revoke_api_token(*, token: ApiToken, actor) -> ApiToken:
    """Revoke a token for good; audited."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise Conflict(_("This token is already revoked."), code="already_revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    log_action(token, "api.token.revoked", actor=actor, data={"user": token.user_id, "prefix": token.prefix})
    return token


def user_for_token(secret: str):
    """The active owner of an active token, or None; notes when the token was last used (at most once a minute)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100 or "\x00" in secret:
        return None
    token = (ApiToken.objects.select_related("user").filter(key_hash=hash_token(secret), revoked_at__isnull=True)
             .first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
