import pytest

from tests.factories import OrganisationFactory, PersonFactory, StaffFactory
from urbis.core.errors import ValidationFailed
from urbis.core.models import AuditEntry
from urbis.members.enums import MembershipStatus, OrganisationKind, PersonFunction
from urbis.members.models import Organisation, Person
from urbis.members.services import create_organisation, create_person, update_organisation, update_person

pytestmark = pytest.mark.django_db


def test_create_organisation_derives_region_and_audits():
    staff = StaffFactory()
    org = create_organisation(name="Barcelona Metropolitan Area", kind=OrganisationKind.MEMBER_GOVERNMENT,
                              country="es", city="Barcelona", population=3_200_000, time_zone="Europe/Madrid",
                              membership_status=MembershipStatus.ACTIVE, member_since=1985, actor=staff)
    assert (org.slug, org.country, org.region) == ("barcelona-metropolitan-area", "ES", "europe")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_id, entry.data) == (
        "members.organisation.created", staff, str(org.pk),
        {"slug": "barcelona-metropolitan-area", "kind": "member_government"})


def test_create_organisation_keeps_given_region_and_makes_slugs_unique():
    OrganisationFactory(slug="guangzhou")
    org = create_organisation(name="Guangzhou", kind=OrganisationKind.MEMBER_GOVERNMENT, country="CN",
                              region="asia-pacific", actor=None)
    assert (org.slug, org.region) == ("guangzhou-2", "asia-pacific")


def test_create_organisation_middle_east_region():
    org = create_organisation(name="Istanbul", kind=OrganisationKind.MEMBER_GOVERNMENT, country="TR", actor=None)
    assert org.region == "middle-east"


@pytest.mark.parametrize(("kwargs", "code", "field"), [
    ({"country": "XX"}, "unknown_country", "country"),
    ({"region": "atlantis"}, "unknown_region", "region"),
    ({"time_zone": "Mars/Olympus"}, "unknown_time_zone", "time_zone"),
    ({"population": -3}, "invalid_population", "population"),
    ({"member_since": 12}, "invalid_year", "member_since"),
    ({"kind": "club"}, "unknown_kind", "kind"),
    ({"name": "  "}, "required", "name"),
    ({"slug": "Not A Slug"}, "invalid_slug", "slug"),
    ({"slug": "staff"}, "reserved_slug", "slug"),
    ({"website": "not a url"}, "invalid_url", "website"),
])
def test_create_organisation_rejects_bad_input(kwargs, code, field):
    arguments = {"name": "Lagos", "kind": OrganisationKind.MEMBER_GOVERNMENT, "country": "NG", "actor": None,
                 **kwargs}
    with pytest.raises(ValidationFailed) as caught:
        create_organisation(**arguments)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert Organisation.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_create_organisation_rejects_duplicate_slug():
    OrganisationFactory(slug="lagos")
    with pytest.raises(ValidationFailed) as caught:
        create_organisation(name="Lagos", kind=OrganisationKind.MEMBER_GOVERNMENT, slug="lagos", actor=None)
    assert caught.value.code == "duplicate_slug"
    assert Organisation.objects.count() == 1


def test_update_organisation_rederives_region_when_country_changes():
    staff = StaffFactory()
    org = OrganisationFactory(country="ES", region="europe")
    updated = update_organisation(organisation=org, actor=staff, country="MX", city="Mexico City")
    org.refresh_from_db()
    assert (updated.country, org.country, org.region, org.city) == ("MX", "MX", "latin-america", "Mexico City")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.data) == ("members.organisation.updated", {"fields": ["city", "country", "region"]})


def test_update_organisation_without_change_writes_no_audit():
    org = OrganisationFactory(city="Madrid")
    update_organisation(organisation=org, actor=None, city="Madrid")
    assert AuditEntry.objects.count() == 0


def test_update_organisation_rejects_unknown_zone_and_changes_nothing():
    org = OrganisationFactory(time_zone="Europe/Madrid")
    with pytest.raises(ValidationFailed) as caught:
        update_organisation(organisation=org, actor=None, time_zone="Europe/Nowhere", city="Elsewhere")
    org.refresh_from_db()
    assert (caught.value.code, org.time_zone, org.city) == ("unknown_time_zone", "Europe/Madrid", org.city)
    assert AuditEntry.objects.count() == 0


def test_update_organisation_rejects_unknown_field():
    org = OrganisationFactory()
    with pytest.raises(ValidationFailed) as caught:
        update_organisation(organisation=org, actor=None, pk=5)
    assert caught.value.code == "unknown_field"


def test_create_person_takes_country_and_zone_from_organisation():
    org = OrganisationFactory(country="CN", time_zone="Asia/Shanghai")
    person = create_person(first_name="Li", last_name="Wei", organisation=org, email="LI@Example.org",
                           function=PersonFunction.MAYOR, languages=["ZH", "en"], actor=None)
    assert (person.slug, person.country, person.time_zone, person.email, person.languages) == (
        "li-wei", "CN", "Asia/Shanghai", "li@example.org", ["zh", "en"])
    assert AuditEntry.objects.get().action == "members.person.created"


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"email": "not-an-address"}, "invalid_email"),
    ({"function": "king"}, "unknown_function"),
    ({"country": "ZZ"}, "unknown_country"),
    ({"time_zone": "Nowhere/City"}, "unknown_time_zone"),
    ({"last_name": ""}, "required"),
])
def test_create_person_rejects_bad_input(kwargs, code):
    with pytest.raises(ValidationFailed) as caught:
        create_person(**{"first_name": "Ana", "last_name": "Lopez", "actor": None, **kwargs})
    assert caught.value.code == code
    assert Person.objects.count() == 0


def test_update_person_changes_given_fields_and_audits():
    person = PersonFactory(title="")
    update_person(person=person, actor=None, title="Mayor of Seville", public_profile=False)
    person.refresh_from_db()
    assert (person.title, person.public_profile) == ("Mayor of Seville", False)
    assert AuditEntry.objects.get().data == {"fields": ["public_profile", "title"]}
