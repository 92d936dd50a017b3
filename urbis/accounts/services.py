from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from urbis.core.audit import log_action
from urbis.core.errors import Conflict, ValidationFailed
from urbis.core.timezones import is_valid_zone

from .enums import Role
from .models import RoleGrant, User


def update_profile_time_zone(*, user: User, time_zone: str) -> User:
    if time_zone and not is_valid_zone(time_zone):
        raise ValidationFailed(_("Unknown time zone: %(zone)s.") % {"zone": time_zone}, code="unknown_time_zone")
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    return user


@transaction.atomic
def grant_role(*, user: User, role: str, actor: User | None) -> RoleGrant:
    """Give a role; audited."""
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), code="unknown_role")
    if role == Role.STAFF:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    grant, _created = RoleGrant.objects.get_or_create(user=user, role=role)
    log_action(user, "accounts.role.granted", actor=actor, data={"role": role})
    return grant


@transaction.atomic
def revoke_role(*, user: User, role: str, actor: User | None) -> None:
    """Take a role away; audited. Staff cannot take their own staff role (no one locks the
    secretariat out by mistake)."""
    if role == Role.STAFF and actor is not None and actor.pk == user.pk:
        raise Conflict(_("You cannot remove your own staff role."), code="own_staff_role")
    if role == Role.STAFF:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    RoleGrant.objects.filter(user=user, role=role).delete()
    log_action(user, "accounts.role.revoked", actor=actor, data={"role": role})


@transaction.atomic
def update_profile(*, user: User, display_name: str, time_zone: str, language: str, actor: User | None) -> User:
    """Save a person's display name, reading time zone and interface language. Audited."""
    if time_zone and not is_valid_zone(time_zone):
        raise ValidationFailed(_("Unknown time zone: %(zone)s.") % {"zone": time_zone}, code="unknown_time_zone",
                               field="time_zone")
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Unknown language: %(value)s.") % {"value": language}, code="unknown_language",
                               field="language")
    user = User.objects.select_for_update().get(pk=user.pk)
    changes = {"display_name": display_name.strip()[:150], "time_zone": time_zone, "language": language}
    changed = sorted(field for field, value in changes.items() if getattr(user, field) != value)
    if changed:
        for field in changed:
            setattr(user, field, changes[field])
        user.save(update_fields=changed)
        log_action(user, "accounts.profile.updated", actor=actor, data={"fields": changed})
    return user
