"""Who may do what with accounts."""


def can_edit_own_profile(user) -> bool:
    return bool(user.is_authenticated and user.is_active)
