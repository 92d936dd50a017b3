"""Who may do what in the assembly. Used by views, the API, templates and tests."""

from urbis.accounts.enums import Role

from .enums import MeetingStatus
from .models import Election, Meeting, Registrar, Trustee


def can_manage_assembly(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_view_meeting(user, meeting: Meeting) -> bool:
    return meeting.status != MeetingStatus.DRAFT or can_manage_assembly(user)


def is_registrar(user) -> bool:
    return bool(user.is_authenticated and Registrar.objects.filter(user=user).exists())


def trustee_of(user, election: Election) -> Trustee | None:
    if not user.is_authenticated:
        return None
    return Trustee.objects.filter(election=election, user=user).first()


def is_voting_delegate_in(user, meeting: Meeting) -> bool:
    """Designated (delegate or substitute) for some member of the meeting, with the voting-delegate role."""
    if not (user.is_authenticated and user.has_role(Role.VOTING_DELEGATE)):
        return False
    from django.db.models import Q

    return meeting.electorate.filter(Q(delegate=user) | Q(substitute=user)).exists()
