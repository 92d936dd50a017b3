import pytest

from tests.factories import OrganisationFactory, UserFactory
from urbis.members.enums import MembershipStatus
from urbis.program import permissions as program_permissions
from urbis.program.enums import Visibility
from urbis.registration import selectors
from urbis.registration.enums import Mode, Status
from urbis.registration.models import CheckIn, SessionSignup

from .conftest import during, publish
from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    from urbis.accounts.models import User

    return User.objects.get(pk=user.pk)  # the policy caches per user object (one request)


def test_join_requires_approved_registration(edition):
    session = publish(edition)
    approved = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    pending = RegistrationFactory(edition=edition, status=Status.SUBMITTED)
    outsider = UserFactory()
    assert [program_permissions.can_join_session(fresh(u), session)
            for u in (approved.user, pending.user, outsider)] == [True, False, False]


def test_join_capacity_limited_session_needs_signup(edition):
    session = publish(edition, capacity=5)
    registration = RegistrationFactory(edition=edition)
    assert program_permissions.can_join_session(fresh(registration.user), session) is False
    SessionSignup.objects.create(registration=registration, edition=edition, session_code=session.code)
    assert program_permissions.can_join_session(fresh(registration.user), session) is True


def test_participants_and_members_sessions_access(edition):
    participants = publish(edition, visibility=Visibility.PARTICIPANTS)
    members = publish(edition, visibility=Visibility.MEMBERS)
    member = RegistrationFactory(edition=edition)
    ngo = RegistrationFactory(edition=edition,
                              organisation=OrganisationFactory(membership_status=MembershipStatus.NONE))
    outsider = UserFactory()
    assert [(program_permissions.can_view_session(fresh(u), participants),
             program_permissions.can_view_session(fresh(u), members))
            for u in (member.user, ngo.user, outsider)] == [(True, True), (True, False), (False, False)]


def test_checked_in_user_ids_and_is_registered(edition):
    a = RegistrationFactory(edition=edition)
    b = RegistrationFactory(edition=edition)
    RegistrationFactory(edition=edition, status=Status.SUBMITTED)
    CheckIn.objects.create(registration=a, edition=edition, day=edition.starts_on, at=during(edition))
    CheckIn.objects.create(registration=b, edition=edition, day=edition.ends_on, at=during(edition, day=5))
    assert selectors.checked_in_user_ids(edition=edition) == {a.user_id, b.user_id}
    assert selectors.checked_in_user_ids(edition=edition, on_day=edition.starts_on) == {a.user_id}
    assert [selectors.is_registered(user=u, edition=edition) for u in (a.user, UserFactory())] == [True, False]
