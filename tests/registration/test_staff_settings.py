"""Staff pages: the edition's registration settings and member governments' delegation contacts."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import EditionFactory, OrganisationFactory, UserFactory
from tests.helpers import count_queries
from urbis.core.models import AuditEntry
from urbis.members.enums import OrganisationKind
from urbis.registration import services
from urbis.registration.enums import Category, Status
from urbis.registration.models import DelegationContact, RegistrationSettings

from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db

VALID = {"is_open": "on", "onsite_capacity": "120", "auto_approve": ["ngo", "press"],
         "mode_change_deadline": "2021-11-01T18:00", "offer_hours": "24", "min_online_minutes": "5",
         "questions": '[{"key": "arrival", "label": "Arrival day", "required": true, "choices": ["8 Nov", "9 Nov"]}]'}


def settings_url(edition):
    return reverse("registration:staff_settings", args=[edition.slug])


def stored(edition):
    s = RegistrationSettings.objects.get(edition=edition)
    return (s.is_open, s.onsite_capacity, s.auto_approve, s.mode_change_deadline, s.offer_hours,
            s.min_online_minutes, s.questions)


def test_settings_page_for_staff(client, edition, staff):
    client.force_login(staff)
    response = client.get(settings_url(edition))
    assert (response.status_code, b'id="settings-form"' in response.content) == (200, True)


@pytest.mark.parametrize("who", ["anonymous", "participant", "delegation_contact"])
def test_settings_page_denied_to_others(client, edition, who):
    if who != "anonymous":
        user = UserFactory()
        if who == "delegation_contact":
            DelegationContact.objects.create(organisation=OrganisationFactory(), user=user)
        client.force_login(user)
    assert (client.get(settings_url(edition)).status_code,
            client.post(settings_url(edition), VALID).status_code) == (403, 403)
    assert RegistrationSettings.objects.filter(edition=edition).exists() is False


def test_settings_saved_in_the_editions_zone_and_audited(client, edition, staff):
    client.force_login(staff)
    response = client.post(settings_url(edition), VALID)
    assert (response.status_code, response.url) == (302, settings_url(edition))
    assert stored(edition) == (True, 120, ["ngo", "press"], dt.datetime(2021, 11, 1, 10, 0, tzinfo=dt.UTC), 24, 5,
                               [{"key": "arrival", "label": "Arrival day", "required": True,
                                 "choices": ["8 Nov", "9 Nov"]}])
    entry = AuditEntry.objects.get(action="registration.settings.updated")
    assert (entry.actor, entry.object_id) == (staff, str(edition.pk))
    page = client.get(settings_url(edition)).content.decode()
    assert 'value="2021-11-01T18:00"' in page  # shown back in the edition's zone


def test_settings_close_registration_and_lift_capacity(client, edition, staff):
    client.force_login(staff)
    client.post(settings_url(edition), {**VALID, "is_open": "", "onsite_capacity": "", "mode_change_deadline": "",
                                        "questions": "", "auto_approve": []})
    assert stored(edition) == (False, None, [], None, 24, 5, [])


def test_raising_capacity_offers_seats_to_the_waiting_list(client, edition, staff, capacity):
    capacity(1)
    RegistrationFactory(edition=edition, category=Category.NGO)
    waiting = RegistrationFactory(edition=edition, category=Category.NGO, status=Status.WAITLISTED,
                                  waitlisted_at=dt.datetime(2021, 10, 1, tzinfo=dt.UTC))
    client.force_login(staff)
    client.post(settings_url(edition), {**VALID, "onsite_capacity": "2"})
    waiting.refresh_from_db()
    assert waiting.offer_expires_at is not None


@pytest.mark.parametrize(("field", "value", "error"), [
    ("questions", "[{", "This is not valid JSON."),
    ("questions", '{"key": "a"}', "Questions must be a list (at most 30)."),
    ("questions", '[{"key": "no spaces", "label": "x"}]', "Each question needs a key and a label."),
    ("questions", '[{"key": "a", "label": "A", "required": "yes"}]',
     "A question has only a key, a label, required (true or false) and choices."),
    ("questions", '[{"key": "a", "label": "A", "choices": [1, 2]}]', "Choices must be a list of texts."),
    ("questions", '[{"key": "a", "label": "A"}, {"key": "a", "label": "B"}]', "Two questions have the same key."),
    ("onsite_capacity", "-3", "Ensure this value is greater than or equal to 0."),
    ("onsite_capacity", "lots", "Enter a whole number."),
    ("offer_hours", "0", "Ensure this value is greater than or equal to 1."),
    ("min_online_minutes", "99999999999999999999", "Ensure this value is less than or equal to 600."),
    ("mode_change_deadline", "tomorrow", "Enter a valid date/time."),
    ("auto_approve", ["delegate"], "Select a valid choice. delegate is not one of the available choices."),
])
def test_bad_settings_are_refused_and_nothing_changes(client, edition, staff, field, value, error):
    services.update_settings(edition=edition, actor=None, onsite_capacity=50)
    before = stored(edition)
    client.force_login(staff)
    response = client.post(settings_url(edition), {**VALID, field: value})
    assert response.status_code == 422
    assert response.context["form"].errors[field] == [error]
    assert stored(edition) == before


def test_deadline_in_a_dst_gap_is_refused(client, staff):
    paris = EditionFactory(time_zone="Europe/Paris")
    client.force_login(staff)
    response = client.post(settings_url(paris), {**VALID, "mode_change_deadline": "2021-03-28T02:30"})
    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["mode_change_deadline"]
    assert RegistrationSettings.objects.filter(edition=paris).exists() is False


def test_settings_service_refuses_bad_values(edition):
    with pytest.raises(services.ValidationFailed) as exc:
        services.update_settings(edition=edition, actor=None, offer_hours=-1)
    assert (exc.value.code, exc.value.field) == ("out_of_range", "offer_hours")
    with pytest.raises(services.ValidationFailed) as exc:
        services.update_settings(edition=edition, actor=None, mode_change_deadline=dt.datetime(2021, 1, 1))  # noqa: DTZ001
    assert exc.value.code == "bad_datetime"


def test_settings_service_never_auto_approves_delegates(edition):
    assert services.update_settings(edition=edition, actor=None, auto_approve=["delegate", "ngo"]).auto_approve == [
        "ngo"]


# ---------------------------------------------------------------- delegation contacts

def delegations_url(edition):
    return reverse("registration:staff_delegations", args=[edition.slug])


def contacts_url(edition, org):
    return reverse("registration:staff_contacts", args=[edition.slug, org.slug])


def test_delegations_list_for_staff(client, edition, staff):
    city = OrganisationFactory(name="Barcelona")
    OrganisationFactory(name="Ngo Cities", kind=OrganisationKind.NGO)
    contact = UserFactory(email="contact@bcn.example")
    services.add_delegation_contact(organisation=city, user=contact, actor=staff)
    RegistrationFactory(edition=edition, organisation=city)
    RegistrationFactory(edition=edition, organisation=city, status=Status.CANCELLED)
    client.force_login(staff)
    response = client.get(delegations_url(edition))
    assert [(o.name, o.delegates, [c.user.email for c in o.delegation_contacts.all()])
            for o in response.context["page"]] == [("Barcelona", 1, ["contact@bcn.example"])]


def test_delegations_list_denied_to_participants(client, edition):
    client.force_login(UserFactory())
    assert client.get(delegations_url(edition)).status_code == 403


def test_delegations_list_query_count_does_not_grow(client, edition, staff):
    client.force_login(staff)

    def make(n):
        for _ in range(n):
            org = OrganisationFactory()
            services.add_delegation_contact(organisation=org, user=UserFactory(), actor=staff)
            RegistrationFactory(edition=edition, organisation=org)

    make(2)
    small, _ = count_queries(client.get, delegations_url(edition))
    make(20)
    large, response = count_queries(client.get, delegations_url(edition))
    assert (small, len(response.context["page"])) == (large, 22)


def test_add_and_remove_a_contact_audited(client, edition, staff):
    city = OrganisationFactory()
    user = UserFactory(email="Mayor.Office@city.example")
    client.force_login(staff)
    response = client.post(contacts_url(edition, city), {"email": "mayor.office@CITY.example"})
    assert (response.status_code, list(DelegationContact.objects.values_list("organisation", "user"))) == (
        302, [(city.pk, user.pk)])
    contact = DelegationContact.objects.get()
    client.post(reverse("registration:staff_contact_remove", args=[edition.slug, city.slug, contact.pk]))
    assert DelegationContact.objects.count() == 0
    assert list(AuditEntry.objects.filter(object_id=str(city.pk)).order_by("id").values_list(
        "action", "actor", "data")) == [("registration.delegation_contact.added", staff.pk, {"user": user.pk}),
                                        ("registration.delegation_contact.removed", staff.pk, {"user": user.pk})]


def test_named_contact_then_manages_the_delegation(client, edition, staff):
    city = OrganisationFactory()
    user = UserFactory()
    client.force_login(staff)
    client.post(contacts_url(edition, city), {"email": user.email})
    client.force_login(user)
    assert client.get(reverse("registration:delegation", args=[edition.slug, city.slug])).status_code == 200


@pytest.mark.parametrize(("email", "error"), [
    ("nobody@example.org", "No account has this e-mail address; the person must sign up first."),
    ("not an e-mail", "Enter a valid email address."),
    ("", "This field is required."),
])
def test_bad_contact_input_is_refused(client, edition, staff, email, error):
    city = OrganisationFactory()
    client.force_login(staff)
    response = client.post(contacts_url(edition, city), {"email": email})
    assert (response.status_code, response.context["form"].errors["email"]) == (422, [error])
    assert DelegationContact.objects.count() == 0


def test_same_contact_twice_is_refused(client, edition, staff):
    city, user = OrganisationFactory(), UserFactory()
    services.add_delegation_contact(organisation=city, user=user, actor=staff)
    client.force_login(staff)
    response = client.post(contacts_url(edition, city), {"email": user.email})
    assert (response.status_code, response.context["form"].errors["email"]) == (
        422, ["This person is already a contact of this member."])
    assert DelegationContact.objects.count() == 1


def test_contacts_only_for_member_governments(client, edition, staff):
    ngo = OrganisationFactory(kind=OrganisationKind.NGO)
    client.force_login(staff)
    assert client.get(contacts_url(edition, ngo)).status_code == 404


def test_contacts_page_denied_to_the_contact_themselves(client, edition, staff):
    city, user = OrganisationFactory(), UserFactory()
    services.add_delegation_contact(organisation=city, user=user, actor=staff)
    contact = DelegationContact.objects.get()
    client.force_login(user)
    assert client.get(contacts_url(edition, city)).status_code == 403
    assert client.post(contacts_url(edition, city), {"email": UserFactory().email}).status_code == 403
    assert client.post(reverse("registration:staff_contact_remove",
                               args=[edition.slug, city.slug, contact.pk])).status_code == 403
    assert DelegationContact.objects.count() == 1


def test_removing_a_removed_contact_is_404(client, edition, staff):
    city = OrganisationFactory()
    client.force_login(staff)
    response = client.post(reverse("registration:staff_contact_remove", args=[edition.slug, city.slug, 424242]))
    assert response.status_code == 404
