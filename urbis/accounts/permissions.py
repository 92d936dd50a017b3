"""Who may do what with accounts."""


def can_edit_own_profile(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_manage_roles(user) -> bool:
    """Grant and revoke roles: secretariat staff."""
    return bool(user.is_authenticated and user.is_staff)
