"""The door's scan endpoint stays lean: one read for a repeat, one read and one transaction for a first scan,
whatever the data; and the edition's zone guess never gives a wrong day."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import EditionFactory
from urbis.core.models import AuditEntry
from urbis.registration import badges as tokens
from urbis.registration import services
from urbis.registration.models import CheckIn

from .conftest import during
from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/registration"


@pytest.fixture(autouse=True)
def no_hints():
    services._ZONE_HINTS.clear()
    yield
    services._ZONE_HINTS.clear()


def statements(client, url, payload):
    """The SQL statements of one request, without transaction bookkeeping, as (verb, table)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, payload, content_type="application/json")
    out = []
    for query in ctx.captured_queries:
        sql = query["sql"]
        verb = sql.split()[0].upper()
        if verb in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK"):
            continue
        table = re.search(r'(?:FROM|INTO)\s+"?(\w+)"?', sql).group(1)
        out.append((verb, table))
    return response, out


@pytest.mark.parametrize("size", [1, 30])
def test_scan_statements_do_not_grow_with_the_data(client, edition, staff, monkeypatch, size):
    monkeypatch.setattr(timezone, "now", lambda: during(edition))
    people = [RegistrationFactory(edition=edition) for _ in range(size)]
    for person in people[1:]:
        services.scan_badge(edition=edition, scanned=person.badge_code, gate="B", actor=staff)
    client.force_login(staff)
    url = f"{BASE}/editions/{edition.slug}/checkins"
    payload = {"code": tokens.badge_token(people[0]), "gate": "A"}
    client.post(url, {"code": "WARMUP", "gate": "A"}, content_type="application/json")  # learns the zone
    first, first_sql = statements(client, url, payload)
    again, again_sql = statements(client, url, payload)
    assert (first.json()["result"], again.json()["result"]) == ("checked_in", "already")
    read = [("SELECT", "django_session"), ("SELECT", "accounts_user"), ("SELECT", "registration_registration")]
    assert first_sql == [*read, ("INSERT", "registration_checkin"), ("INSERT", "core_auditentry")]
    assert again_sql == [*read, ("INSERT", "core_auditentry")]


def test_a_wrong_zone_guess_still_gives_the_editions_day(client, staff):
    edition = EditionFactory(time_zone="Asia/Shanghai", starts_on=dt.date(2021, 11, 8),
                             ends_on=dt.date(2021, 11, 13))
    person = RegistrationFactory(edition=edition)
    # 23:30 in Shanghai on the 8th is still the 8th, whereas the stale guess (UTC+14) says the 9th
    now = dt.datetime(2021, 11, 8, 23, 30, tzinfo=edition.zone)
    services._ZONE_HINTS[edition.slug] = "Pacific/Kiritimati"
    CheckIn.objects.create(registration=person, edition=edition, day=dt.date(2021, 11, 9), at=now, gate="X")
    outcome = services.scan_badge_in(edition_slug=edition.slug, scanned=person.badge_code, gate="A", actor=staff,
                                     now=now)
    assert (outcome.result, sorted(CheckIn.objects.values_list("day", "gate"))) == (
        "checked_in", [(dt.date(2021, 11, 8), "A"), (dt.date(2021, 11, 9), "X")])
    assert services._ZONE_HINTS[edition.slug] == "Asia/Shanghai"


def test_lean_scan_refuses_a_badge_of_another_edition(client, edition, staff, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: during(edition))
    other = RegistrationFactory(edition=EditionFactory())
    client.force_login(staff)
    response = client.post(f"{BASE}/editions/{edition.slug}/checkins", {"code": tokens.badge_token(other)},
                           content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "other_edition")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.data["reason"], entry.data["edition"], CheckIn.objects.count()) == (
        "registration.checkin.refused", "other_edition", edition.pk, 0)


def test_lean_scan_of_an_unknown_edition_is_404(client, edition, staff):
    person = RegistrationFactory(edition=edition)
    client.force_login(staff)
    for code in (tokens.badge_token(person), person.badge_code, "garbage"):
        response = client.post(f"{BASE}/editions/no-such-edition/checkins", {"code": code},
                               content_type="application/json")
        assert (response.status_code, response.json()["error"]["code"]) == (404, "unknown_edition")
    assert (CheckIn.objects.count(), AuditEntry.objects.count(), services._ZONE_HINTS) == (0, 0, {})


def test_lean_scan_denied_to_participants(client, edition, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: during(edition))
    person = RegistrationFactory(edition=edition)
    client.force_login(person.user)
    response = client.post(f"{BASE}/editions/{edition.slug}/checkins", {"code": person.badge_code},
                           content_type="application/json")
    assert (response.status_code, CheckIn.objects.count()) == (403, 0)


def test_page_scan_shows_the_holder_without_a_listed_organisation(client, edition, staff, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: during(edition))
    person = RegistrationFactory(edition=edition, organisation=None, organisation_name="Daily Planet",
                                 first_name="Lois", last_name="Lane", category="press")
    client.force_login(staff)
    url = f"/registration/staff/{edition.slug}/checkin/"
    first = client.post(url, {"code": person.badge_code, "gate": "A"}, HTTP_HX_REQUEST="true").content.decode()
    again = client.post(url, {"code": person.badge_code.lower(), "gate": "B"}, HTTP_HX_REQUEST="true").content.decode()
    assert ("Welcome, Lois Lane." in first, "Lois Lane · Daily Planet" in first) == (True, True)
    assert "Already checked in today at 10:30 (A)." in again
    assert list(CheckIn.objects.values_list("registration_id", "gate")) == [(person.pk, "A")]
