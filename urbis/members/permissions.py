"""Who may do what with organisations and people."""

from .models import Organisation
from .selectors import is_listed


def can_manage_members(user) -> bool:
    """Import, export and edit organisations and people: secretariat staff."""
    return bool(user.is_authenticated and user.is_staff)


def can_view_organisation(user, organisation: Organisation) -> bool:
    """Listed organisations are public; the others only for staff."""
    return is_listed(organisation) or can_manage_members(user)
