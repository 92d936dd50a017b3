import pytest
from django.test import Client

from tests.api.builders import at, published_edition
from tests.api.test_program_api import _csrf
from tests.factories import StaffFactory, UserFactory
from urbis.api.models import ApiToken
from urbis.api.services import create_api_token, hash_token, revoke_api_token, user_for_token
from urbis.core.errors import Conflict, ValidationFailed
from urbis.core.models import AuditEntry
from urbis.program.models import Session

API = "/api/v1"


def _bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# ---------------------------------------------------------------------------------------- services

@pytest.mark.django_db
def test_create_api_token_stores_only_the_hash_and_audits():
    user = UserFactory()
    token, secret = create_api_token(user=user, name="  Timetable sync ", actor=user)
    assert (token.name, token.prefix, token.key_hash, secret.startswith("urbis_")) == (
        "Timetable sync", secret[:12], hash_token(secret), True)
    assert ApiToken.objects.filter(key_hash=secret).count() == 0
    entry = AuditEntry.objects.get(action="api.token.created")
    assert (entry.actor_id, entry.data) == (user.pk, {"user": user.pk, "name": "Timetable sync",
                                                      "prefix": token.prefix})
    assert user_for_token(secret) == user


@pytest.mark.django_db
def test_create_api_token_refusals():
    user = UserFactory()
    with pytest.raises(ValidationFailed) as blank:
        create_api_token(user=user, name=" ", actor=user)
    assert blank.value.code == "name_required"
    for index in range(20):
        create_api_token(user=user, name=f"t{index}", actor=user)
    with pytest.raises(Conflict) as too_many:
        create_api_token(user=user, name="one more", actor=user)
    assert too_many.value.code == "too_many_tokens"
    assert ApiToken.objects.filter(user=user).count() == 20


@pytest.mark.django_db
def test_revoked_token_or_inactive_user_authenticates_nobody():
    user = UserFactory()
    token, secret = create_api_token(user=user, name="x", actor=user)
    revoke_api_token(token=token, actor=user)
    assert user_for_token(secret) is None
    with pytest.raises(Conflict):
        revoke_api_token(token=token, actor=user)
    other = UserFactory(is_active=False)
    _token, other_secret = create_api_token(user=other, name="y", actor=other)
    assert (user_for_token(other_secret), user_for_token("urbis_nope"), user_for_token("nope")) == (None, None, None)


# ---------------------------------------------------------------------------------------- endpoints

@pytest.mark.django_db
def test_create_token_endpoint_needs_the_session_and_csrf():
    assert Client().post(f"{API}/tokens", {"name": "x"}, content_type="application/json").status_code == 401
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    no_csrf = client.post(f"{API}/tokens", {"name": "x"}, content_type="application/json")
    assert (no_csrf.status_code, no_csrf.json()["error"]["code"]) == (403, "csrf_failed")
    response = client.post(f"{API}/tokens", {"name": "sync"}, content_type="application/json", **_csrf(client))
    assert response.status_code == 201
    secret = response.json()["token"]
    assert ApiToken.objects.get(user=user).key_hash == hash_token(secret)
    # A token cannot make more tokens.
    minted = Client().post(f"{API}/tokens", {"name": "more"}, content_type="application/json", **_bearer(secret))
    assert minted.status_code == 401
    listed = Client().get(f"{API}/tokens", **_bearer(secret)).json()
    assert [(t["name"], t["prefix"], t["revoked_at"]) for t in listed] == [("sync", secret[:12], None)]
    assert "token" not in listed[0]


@pytest.mark.django_db
def test_revoke_token_endpoint_own_tokens_only():
    owner, stranger = UserFactory(), UserFactory()
    token, secret = create_api_token(user=owner, name="x", actor=owner)
    _other, stranger_secret = create_api_token(user=stranger, name="y", actor=stranger)
    assert Client().post(f"{API}/tokens/{token.pk}/revoke", **_bearer(stranger_secret)).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    response = Client().post(f"{API}/tokens/{token.pk}/revoke", **_bearer(secret))
    assert response.status_code == 200
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert Client().get(f"{API}/tokens", **_bearer(secret)).status_code == 401


@pytest.mark.django_db
def test_staff_token_writes_without_csrf_non_staff_token_is_403():
    edition, built = published_edition()
    payload = {"title": "Token session", "starts_at": at(edition, edition.starts_on, 7).isoformat(),
               "ends_at": at(edition, edition.starts_on, 8).isoformat(), "room": built["rooms"][0].pk,
               "stream": built["stream"].pk}
    url = f"{API}/editions/{edition.slug}/sessions"
    person = UserFactory()
    _t, person_secret = create_api_token(user=person, name="p", actor=person)
    denied = Client().post(url, payload, content_type="application/json", **_bearer(person_secret))
    assert (denied.status_code, denied.json()["error"]["code"]) == (403, "permission_denied")
    staff = StaffFactory()
    token, staff_secret = create_api_token(user=staff, name="s", actor=staff)
    created = Client(enforce_csrf_checks=True).post(url, payload, content_type="application/json",
                                                    **_bearer(staff_secret))
    assert created.status_code == 201
    assert Session.objects.filter(edition=edition, version__isnull=True, title="Token session").count() == 1
    assert AuditEntry.objects.filter(action="program.session.created").get().actor_id == staff.pk
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    wrong = Client().post(url, payload, content_type="application/json", **_bearer("urbis_wrong"))
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "unauthenticated")
