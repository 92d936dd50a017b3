import stat
from collections import Counter

import pytest
from django.conf import settings

from urbis.accounts.enums import Role
from urbis.accounts.models import User
from urbis.core.taxonomies import WORLD_REGIONS
from urbis.demo.members import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD_FILE,
    MEMBER_COUNT,
    USERS_PASSWORD_FILE,
    ensure_demo_users,
    pick_member_cities,
)
from urbis.members.enums import MembershipStatus, OrganisationKind
from urbis.members.models import Organisation, Person

pytestmark = pytest.mark.django_db


def test_pick_member_cities_real_cities_over_a_million_with_the_host_first():
    cities = pick_member_cities()
    assert len(cities) == MEMBER_COUNT == 140
    assert cities[0]["name"] == "Guangzhou"
    assert min(c["population"] for c in cities) > 1_000_000
    assert len({c["geonameid"] for c in cities}) == 140
    assert {"Brooklyn", "Queens", "New Territories"} & {c["name"] for c in cities} == set()
    assert pick_member_cities() == cities  # no randomness in the choice


def test_member_governments_figures(own_demo):
    members = Organisation.objects.filter(kind=OrganisationKind.MEMBER_GOVERNMENT)
    assert members.count() == 140
    assert members.values("country").distinct().count() == 93
    assert set(members.values_list("region", flat=True)) == {slug for slug, _label in WORLD_REGIONS}
    assert Counter(members.values_list("region", flat=True)) == {
        "asia-pacific": 40, "europe": 24, "latin-america": 24, "africa": 20, "middle-east": 18, "north-america": 14}
    assert Counter(members.values_list("membership_status", flat=True)) == {
        MembershipStatus.ACTIVE: 136, MembershipStatus.SUSPENDED: 4}
    assert members.filter(dues_paid=False).count() == 11
    assert members.filter(population__lte=1_000_000).count() == 0
    assert members.filter(time_zone="").count() == 0
    assert members.filter(latitude__isnull=True).count() == 0
    assert members.filter(member_since__isnull=True).count() == 0
    host = members.get(city="Guangzhou")
    assert (host.country, host.region, host.time_zone, host.membership_status, host.dues_paid) == (
        "CN", "asia-pacific", "Asia/Shanghai", MembershipStatus.ACTIVE, True)
    assert own_demo.data["host"] == host
    assert own_demo.data["members"][0] == host


def test_other_organisations_by_kind(own_demo):
    others = Organisation.objects.exclude(kind=OrganisationKind.MEMBER_GOVERNMENT)
    assert Counter(others.values_list("kind", flat=True)) == {
        OrganisationKind.INTERNATIONAL_ORGANISATION: 9, OrganisationKind.PARTNER: 4, OrganisationKind.NGO: 7,
        OrganisationKind.ACADEMIA: 6, OrganisationKind.MEDIA: 5}
    assert others.filter(name="UN-Habitat", country="KE", region="africa").exists()
    assert len(own_demo.data["organisations"]) == Organisation.objects.count() == 171


def test_people_figures(own_demo):
    assert Person.objects.count() == 140 + 300 + 4
    # one head (mayor or governor) per member government
    heads = Person.objects.filter(function__in=["mayor", "governor"])
    assert heads.count() == 140
    assert heads.values("organisation").distinct().count() == 140
    assert Person.objects.filter(time_zone="").count() == 0
    assert Person.objects.filter(languages=[]).count() == 0
    assert Person.objects.filter(bio="").count() == 0
    assert Person.objects.values("slug").distinct().count() == Person.objects.count()


def test_demo_users_have_their_roles_and_stored_passwords(own_demo, client):
    admin = User.objects.get(email=ADMIN_EMAIL)
    assert (admin.is_superuser, admin.is_staff) == (True, True)
    users = {key: user for key, user in own_demo.data["users"].items() if key in Role.values}
    assert {role: user.email for role, user in users.items()} == {
        Role.STAFF: "staff@urbis.example", Role.DELEGATE: "delegate@urbis.example",
        Role.SPEAKER: "speaker@urbis.example", Role.JUROR: "juror@urbis.example",
        Role.VOTING_DELEGATE: "voting@urbis.example"}
    assert {key: user.email for key, user in own_demo.data["users"].items() if key not in Role.values} == {
        user.email: user.email for user in users.values()}
    for role, user in users.items():
        assert list(user.role_grants.values_list("role", flat=True)) == [role]
    assert sorted(Person.objects.filter(user__isnull=False).values_list("user__email", flat=True)) == [
        "delegate@urbis.example", "juror@urbis.example", "speaker@urbis.example", "voting@urbis.example"]
    for name in (ADMIN_PASSWORD_FILE, USERS_PASSWORD_FILE):
        path = settings.DATA_DIR / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    admin_password = (settings.DATA_DIR / ADMIN_PASSWORD_FILE).read_text().strip()
    users_password = (settings.DATA_DIR / USERS_PASSWORD_FILE).read_text().strip()
    assert client.login(email=ADMIN_EMAIL, password=admin_password) is True
    assert client.login(email="juror@urbis.example", password=users_password) is True
    assert client.login(email="juror@urbis.example", password="wrong password") is False


def test_ensure_demo_users_twice_changes_nothing(own_demo):
    before = sorted(User.objects.values_list("email", "password"))
    ensure_demo_users()
    assert sorted(User.objects.values_list("email", "password")) == before


def test_ensure_demo_users_restores_the_stored_admin_password(own_demo):
    admin = User.objects.get(email=ADMIN_EMAIL)
    admin.set_password("something else entirely")
    admin.save()
    ensure_demo_users()
    admin.refresh_from_db()
    assert admin.check_password((settings.DATA_DIR / ADMIN_PASSWORD_FILE).read_text().strip()) is True
