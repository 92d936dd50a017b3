from django.db.models import QuerySet

from .models import RoleGrant, User


def roles_of(*, user: User) -> QuerySet[RoleGrant]:
    return user.role_grants.order_by("role")


def role_grants(*, role: str = "") -> QuerySet[RoleGrant]:
    grants = RoleGrant.objects.select_related("user").order_by("role", "user__email", "pk")
    return grants.filter(role=role) if role else grants


def staff_users() -> QuerySet[User]:
    return User.objects.filter(is_staff=True).order_by("email")
