"""Who may do what in registration. Used by views, the API, templates, tests — and by the programme
through settings.URBIS_JOIN_POLICY / URBIS_SESSION_ACCESS_POLICY."""

from urbis.program.enums import Visibility

from .enums import Category, SignupStatus, Status


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def _approved_registration(user, edition_id: int):
    from .models import Registration

    if not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(user, "_urbis_registrations", None)
    if cache is None:
        cache = {}
        user._urbis_registrations = cache
    if edition_id not in cache:
        cache[edition_id] = (Registration.objects.select_related("organisation")
                             .filter(edition_id=edition_id, user=user, status=Status.APPROVED).first())
    return cache[edition_id]


def _is_speaker_of(user, session) -> bool:
    return any(link.person.user_id == user.pk for link in session.speaker_links.all())


def can_access_session(user, session) -> bool:
    """Participants sessions: approved registrants of the edition; members sessions: approved registrants
    from an active member government. Staff and the session's speakers always."""
    if session.visibility == Visibility.PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or _is_speaker_of(user, session):
        return True
    if session.visibility == Visibility.CLOSED:
        return False
    registration = _approved_registration(user, session.edition_id)
    if registration is None:
        return False
    if session.visibility == Visibility.MEMBERS:
        return bool(registration.organisation_id and registration.organisation.is_member)
    return True


def can_join_session(user, session) -> bool:
    """An approved registration for the session's edition that may see the session; capacity-limited
    sessions also need a confirmed sign-up. (The programme checks mode, stream and time itself.)"""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or _is_speaker_of(user, session):
        return True
    registration = _approved_registration(user, session.edition_id)
    if registration is None or not can_access_session(user, session):
        return False
    if session.capacity:
        return registration.signups.filter(session_code=session.code, status=SignupStatus.CONFIRMED).exists()
    return True


def can_manage_registrations(user) -> bool:
    return _is_staff(user)


def can_erase_participant(user) -> bool:
    return _is_staff(user)


def can_edit_settings(user) -> bool:
    """The edition's registration settings (secretariat)."""
    return _is_staff(user)


def can_manage_delegation_contacts(user) -> bool:
    """Who may name or remove a member government's delegation contacts (secretariat)."""
    return _is_staff(user)


def can_check_in(user) -> bool:
    return _is_staff(user)


def can_view_dashboard(user) -> bool:
    return _is_staff(user)


def is_delegation_contact(user, organisation_id) -> bool:
    if not getattr(user, "is_authenticated", False) or organisation_id is None:
        return False
    from .models import DelegationContact

    return DelegationContact.objects.filter(user=user, organisation_id=organisation_id).exists()


def can_manage_delegation(user, organisation) -> bool:
    return _is_staff(user) or is_delegation_contact(user, getattr(organisation, "pk", organisation))


def can_view_registration(user, registration) -> bool:
    """Staff, the person, and the contact of the member government for its own delegates."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or registration.user_id == user.pk:
        return True
    return registration.category == Category.DELEGATE and is_delegation_contact(user, registration.organisation_id)


def can_view_private_data(user, registration) -> bool:
    """Needs and visa requests: staff and the person only (not the delegation contact)."""
    return _is_staff(user) or (getattr(user, "is_authenticated", False) and registration.user_id == user.pk)


def can_edit_registration(user, registration) -> bool:
    return _is_staff(user) or (getattr(user, "is_authenticated", False) and registration.user_id == user.pk)


def can_cancel_registration(user, registration) -> bool:
    return can_edit_registration(user, registration) or (
        registration.category == Category.DELEGATE and is_delegation_contact(user, registration.organisation_id))
