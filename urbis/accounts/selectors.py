from django.db.models import QuerySet

from .models import RoleGrant, User


def roles_of(*, user: User) -> QuerySet[RoleGrant]:
    return user.role_grants.order_by("role")
