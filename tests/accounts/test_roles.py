import pytest

from tests.factories import StaffFactory, UserFactory
from tests.helpers import count_queries
from urbis.accounts.enums import Role
from urbis.accounts.models import RoleGrant
from urbis.accounts.services import revoke_role
from urbis.core.errors import Conflict
from urbis.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("user_factory", "status"), [(None, 403), (UserFactory, 403), (StaffFactory, 200)])
def test_role_overview_is_staff_only(client, user_factory, status):
    if user_factory:
        client.force_login(user_factory())
    assert client.get("/accounts/staff/roles/").status_code == status


def test_participant_cannot_grant_or_revoke(client):
    target = UserFactory(email="target@example.org")
    grant = RoleGrant.objects.create(user=target, role=Role.JUROR)
    client.force_login(UserFactory())
    assert client.post("/accounts/staff/roles/", {"email": "target@example.org", "role": "speaker"}).status_code == 403
    assert client.post(f"/accounts/staff/roles/{grant.pk}/revoke/").status_code == 403
    assert list(RoleGrant.objects.values_list("role", flat=True)) == ["juror"]


def test_staff_grants_a_role_by_email(client):
    staff = StaffFactory()
    target = UserFactory(email="juror@example.org")
    client.force_login(staff)
    response = client.post("/accounts/staff/roles/", {"email": "JUROR@example.org", "role": "juror"})
    assert response.status_code == 302
    assert list(RoleGrant.objects.values_list("user", "role")) == [(target.pk, "juror")]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.data) == ("accounts.role.granted", staff, {"role": "juror"})


def test_grant_to_unknown_email_is_a_form_error(client):
    client.force_login(StaffFactory())
    response = client.post("/accounts/staff/roles/", {"email": "ghost@example.org", "role": "juror"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"email": ["No account has this e-mail address."]}
    assert RoleGrant.objects.count() == 0


def test_staff_revokes_a_role(client):
    staff = StaffFactory()
    grant = RoleGrant.objects.create(user=UserFactory(), role=Role.SPEAKER)
    client.force_login(staff)
    assert client.post(f"/accounts/staff/roles/{grant.pk}/revoke/").status_code == 302
    assert RoleGrant.objects.count() == 0
    assert AuditEntry.objects.get().action == "accounts.role.revoked"


def test_staff_cannot_remove_their_own_staff_role(client):
    staff = StaffFactory()
    grant = RoleGrant.objects.create(user=staff, role=Role.STAFF)
    client.force_login(staff)
    response = client.post(f"/accounts/staff/roles/{grant.pk}/revoke/", follow=True)
    assert [str(m) for m in response.context["messages"]] == ["You cannot remove your own staff role."]
    staff.refresh_from_db()
    assert (staff.is_staff, RoleGrant.objects.count(), AuditEntry.objects.count()) == (True, 1, 0)
    with pytest.raises(Conflict):
        revoke_role(user=staff, role=Role.STAFF, actor=staff)


def test_role_overview_filters_by_role(client):
    RoleGrant.objects.create(user=UserFactory(), role=Role.SPEAKER)
    RoleGrant.objects.create(user=UserFactory(), role=Role.JUROR)
    client.force_login(StaffFactory())
    response = client.get("/accounts/staff/roles/?role=juror")
    assert [g.role for g in response.context["page"]] == ["juror"]


def test_role_overview_query_count_does_not_grow(client):
    client.force_login(StaffFactory())

    def fill(n):
        for _ in range(n):
            RoleGrant.objects.create(user=UserFactory(), role=Role.DELEGATE)
            StaffFactory()

    fill(2)
    small, response = count_queries(client.get, "/accounts/staff/roles/")
    assert response.status_code == 200
    fill(15)
    large, response = count_queries(client.get, "/accounts/staff/roles/")
    assert (response.status_code, small) == (200, large)
