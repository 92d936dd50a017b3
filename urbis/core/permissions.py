def can_read_audit_log(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)
