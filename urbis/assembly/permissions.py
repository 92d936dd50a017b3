"""Who may do what in the assembly. Used by views, the API, templates and tests."""

from urbis.accounts.enums import Role

from .enums import MeetingStatus
from .models import Election, Meeting, Registrar, Trustee


def can_manage_assembly(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_view_meeting(user, meeting: Meeting) -> bool:
    """Public once open; before that, staff and the meeting's own delegates (who appoint their proxies)."""
    return meeting.status != MeetingStatus.DRAFT or can_manage_assembly(user) or is_voting_delegate_in(user, meeting)


def is_registrar(user) -> bool:
    return bool(user.is_authenticated and Registrar.objects.filter(user=user).exists())


def trustee_of(user, election: Election) -> Trustee | None:
    if not user.is_authenticated:
        return None
    return Trustee.objects.filter(election=election, user=user).first()


def can_view_ceremony(user, election: Election) -> bool:
    """The key ceremony's public part: whoever sees the meeting, and the election's own trustees before that."""
    return can_view_meeting(user, election.item.meeting) or trustee_of(user, election) is not None


def is_voting_delegate_in(user, meeting: Meeting) -> bool:
    """Designated (delegate or substitute) for some member of the meeting, with the voting-delegate role."""
    if not (user.is_authenticated and user.has_role(Role.VOTING_DELEGATE)):
        return False
    from django.db.models import Q

    return meeting.electorate.filter(Q(delegate=user) | Q(substitute=user)).exists()


def can_act_for_member(user, meeting: Meeting, member) -> bool:
    """The voting delegate or substitute of `member`'s seat (with the role): may appoint or revoke its proxy."""
    if not (user.is_authenticated and user.has_role(Role.VOTING_DELEGATE)):
        return False
    from django.db.models import Q

    return meeting.electorate.filter(Q(delegate=user) | Q(substitute=user), member=member).exists()


def can_see_attachment(user, attachment, *, delegate: bool | None = None) -> bool:
    """Public documents: whoever can see the meeting; members-only ones: the meeting's delegates and staff.
    `delegate` (whether the user is a delegate of the meeting) may be given to spare a query per document."""
    from .enums import AttachmentVisibility

    meeting = attachment.meeting
    if can_manage_assembly(user):
        return True
    if delegate is None:
        delegate = is_voting_delegate_in(user, meeting)
    if not (meeting.status != MeetingStatus.DRAFT or delegate):
        return False
    return attachment.visibility == AttachmentVisibility.PUBLIC or delegate
