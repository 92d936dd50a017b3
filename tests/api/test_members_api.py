import pytest
from django.test import Client

from tests.factories import OrganisationFactory, StaffFactory
from tests.helpers import count_queries
from urbis.members.enums import MembershipStatus, OrganisationKind

API = "/api/v1/members"


def _slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["items"]]


@pytest.fixture
def members():
    return {
        "barcelona": OrganisationFactory(name="Barcelona", slug="barcelona", city="Barcelona", country="ES",
                                         region="europe", member_since=1985),
        "madrid": OrganisationFactory(name="Madrid", slug="madrid", city="Madrid", country="ES", region="europe"),
        "montreal": OrganisationFactory(name="Montréal", slug="montreal", city="Montréal", country="CA",
                                        region="north-america", time_zone="America/Toronto"),
        "suspended": OrganisationFactory(name="Quito", slug="quito", country="EC", region="latin-america",
                                         membership_status=MembershipStatus.SUSPENDED),
        "former": OrganisationFactory(name="Zurich", slug="zurich", country="CH",
                                      membership_status=MembershipStatus.FORMER),
        "partner": OrganisationFactory(name="UN-Habitat", slug="un-habitat", kind=OrganisationKind.PARTNER),
    }


@pytest.mark.django_db
def test_members_list_shows_listed_member_governments(members):
    response = Client().get(API)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (4, 50, 0)
    assert _slugs(response) == ["barcelona", "madrid", "montreal", "quito"]
    assert body["items"][0] == {
        "slug": "barcelona", "name": "Barcelona", "city": "Barcelona", "country": "ES", "country_name": "Spain",
        "region": "europe", "membership_status": "active", "population": 1_500_000, "member_since": 1985,
        "time_zone": "Europe/Madrid", "latitude": None, "longitude": None, "website": "",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), [
    ("region=europe", ["barcelona", "madrid"]),
    ("region=north-america", ["montreal"]),
    ("country=es", ["barcelona", "madrid"]),
    ("country=CA", ["montreal"]),
    ("q=mont", ["montreal"]),
    ("q=zzz", []),
    ("region=europe&q=mad", ["madrid"]),
    ("limit=2&offset=1", ["madrid", "montreal"]),
])
def test_members_filters_and_pagination(members, query, expected):
    response = Client().get(f"{API}?{query}")
    assert response.status_code == 200
    assert _slugs(response) == expected


@pytest.mark.django_db
def test_members_list_query_count_does_not_grow():
    OrganisationFactory.create_batch(2)
    few, response = count_queries(Client().get, API)
    assert response.json()["count"] == 2
    OrganisationFactory.create_batch(30)
    many, response = count_queries(Client().get, API)
    assert response.json()["count"] == 32
    assert many == few


@pytest.mark.django_db
def test_member_detail(members):
    response = Client().get(f"{API}/montreal")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["description"], response.json()["region"]) == (
        "Montréal", "", "north-america")


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["zurich", "un-habitat", "nowhere"])
def test_member_detail_unlisted_or_not_a_member_is_404(members, slug):
    response = Client().get(f"{API}/{slug}")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


@pytest.mark.django_db
def test_member_detail_former_member_visible_to_staff(members):
    staff = Client()
    staff.force_login(StaffFactory())
    assert staff.get(f"{API}/zurich").status_code == 200
    assert staff.get(f"{API}/un-habitat").status_code == 404  # not a member government at all
