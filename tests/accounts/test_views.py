import re

import pytest
from django.core import mail

from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from urbis.accounts.enums import Role
from urbis.accounts.models import RoleGrant
from urbis.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_login_with_password_through_the_page(client):
    user = UserFactory(email="mayor@example.org")
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "E-mail me a login code" in page.content.decode()
    response = client.post("/accounts/login/", {"login": "mayor@example.org", "password": "correct horse battery"})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_with_wrong_password_fails(client):
    UserFactory(email="mayor@example.org")
    response = client.post("/accounts/login/", {"login": "mayor@example.org", "password": "wrong password!"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


def test_login_by_code_sends_a_mail_and_the_code_logs_in(client):
    user = UserFactory(email="delegate@example.org")
    response = client.post("/accounts/login/code/", {"email": "delegate@example.org"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/code/confirm/")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["delegate@example.org"]
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[0].body, re.MULTILINE).group(1)
    confirm_page = client.get("/accounts/login/code/confirm/")
    assert "delegate@example.org" in confirm_page.content.decode()
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_by_code_with_a_wrong_code_does_not_log_in(client):
    UserFactory(email="delegate@example.org")
    client.post("/accounts/login/code/", {"email": "delegate@example.org"})
    response = client.post("/accounts/login/code/confirm/", {"code": "WRONG1"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_signup_creates_an_account(client):
    response = client.post("/accounts/signup/", {"email": "new@example.org", "password1": "a long enough secret",
                                                 "password2": "a long enough secret"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_allauth_pages_use_the_site_layout(client):
    for path in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/accounts/login/code/"):
        body = client.get(path).content.decode()
        assert 'class="site-header"' in body, path
        assert 'id="language-switcher"' in body, path


def test_logout(client):
    client.force_login(UserFactory())
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# Profile


def test_profile_requires_login(client):
    response = client.get("/accounts/profile/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/accounts/profile/")
    response = client.post("/accounts/profile/", {"display_name": "X", "time_zone": "UTC", "language": "fr"})
    assert response.status_code == 302


def test_profile_update_saves_zone_and_language_and_sets_the_language_cookie(client):
    user = UserFactory(display_name="Old")
    client.force_login(user)
    response = client.post("/accounts/profile/", {"display_name": "Ada Mayor", "time_zone": "Asia/Shanghai",
                                                  "language": "fr"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/profile/")
    user.refresh_from_db()
    assert (user.display_name, user.time_zone, user.language) == ("Ada Mayor", "Asia/Shanghai", "fr")
    assert response.cookies["django_language"].value == "fr"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.data) == (
        "accounts.profile.updated", user, {"fields": ["display_name", "language", "time_zone"]})
    # The display zone middleware now reads the saved zone.
    page = client.get("/accounts/profile/")
    assert page.wsgi_request.display_tz_name == "Asia/Shanghai"
    assert page.wsgi_request.LANGUAGE_CODE == "fr"


def test_profile_update_with_unknown_zone_is_a_form_error_and_saves_nothing(client):
    user = UserFactory(display_name="Old", time_zone="Europe/Paris")
    client.force_login(user)
    response = client.post("/accounts/profile/", {"display_name": "New", "time_zone": "Mars/Olympus_Mons",
                                                  "language": "es"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["time_zone"]
    user.refresh_from_db()
    assert (user.display_name, user.time_zone, user.language) == ("Old", "Europe/Paris", "")
    assert "django_language" not in response.cookies
    assert AuditEntry.objects.count() == 0


def test_profile_update_with_unknown_language_is_refused(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/accounts/profile/", {"display_name": "", "time_zone": "", "language": "xx"})
    assert (response.status_code, list(response.context["form"].errors)) == (400, ["language"])


def test_profile_shows_my_roles_and_person(client):
    user = UserFactory()
    RoleGrant.objects.create(user=user, role=Role.SPEAKER)
    RoleGrant.objects.create(user=user, role=Role.VOTING_DELEGATE)
    org = OrganisationFactory(name="Ciudad de México")
    PersonFactory(user=user, first_name="Clara", last_name="Brugada", organisation=org)
    client.force_login(user)
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert [g.role for g in response.context["roles"]] == ["speaker", "voting_delegate"]
    body = response.content.decode()
    for text in ("Speaker", "Voting delegate", "Clara Brugada", "Ciudad de México"):
        assert text in body


def test_login_sets_the_saved_interface_language(client):
    UserFactory(email="maire@example.org", language="fr")
    response = client.post("/accounts/login/", {"login": "maire@example.org", "password": "correct horse battery"})
    assert (response.status_code, response.cookies["django_language"].value) == (302, "fr")


def test_login_without_saved_language_leaves_the_cookie_alone(client):
    UserFactory(email="someone@example.org", language="")
    response = client.post("/accounts/login/", {"login": "someone@example.org", "password": "correct horse battery"})
    assert response.status_code == 302
    assert "django_language" not in response.cookies
