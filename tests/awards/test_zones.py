"""Award times: shown in the visitor's zone next to the cycle's reference zone; deadlines are moments."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template

from tests.factories import StaffFactory, UserFactory
from urbis.awards import services
from urbis.awards.enums import SubmissionStatus
from urbis.awards.forms import RoundForm, ZonedDateTimeField
from urbis.awards.models import Round, Submission
from urbis.core.errors import Conflict, ValidationFailed

from .factories import CycleFactory, PanelFactory, SubmissionFactory
from .test_services import DATA

UTC = dt.UTC
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# Paris moves its clocks from 02:00 to 03:00 on 28 March 2021; New York did so on 14 March.
DEADLINE = dt.datetime(2021, 3, 28, 3, 30, tzinfo=PARIS)  # = 01:30 UTC, just after the change


def dst_cycle(zone="Europe/Paris", **kwargs):
    return CycleFactory(
        time_zone=zone, year=2021, call_opens_at=dt.datetime(2021, 1, 1, tzinfo=UTC), call_closes_at=DEADLINE,
        screening_ends_at=dt.datetime(2021, 5, 1, tzinfo=UTC), shortlisting_ends_at=dt.datetime(2021, 6, 1, tzinfo=UTC),
        jury_ends_at=dt.datetime(2021, 9, 1, tzinfo=UTC), vote_opens_at=dt.datetime(2021, 10, 1, tzinfo=UTC),
        vote_closes_at=dt.datetime(2021, 10, 31, 2, 30, tzinfo=PARIS),  # the hour Paris repeats (fold 0: CEST)
        announced_at=dt.datetime(2021, 11, 10, 12, tzinfo=UTC), **kwargs)


def test_deadline_is_a_moment_whatever_the_reference_zone(db):
    just_before = dt.datetime(2021, 3, 28, 1, 29, 59, tzinfo=UTC)
    at_deadline = dt.datetime(2021, 3, 28, 1, 30, tzinfo=UTC)
    for zone in ("Europe/Paris", "America/New_York"):
        cycle = dst_cycle(zone)
        user = UserFactory()
        draft = services.save_submission(cycle=cycle, actor=user, data=DATA, new_applicant_name=f"Madrid {zone}",
                                         sdg_numbers=[11], now=just_before)
        with pytest.raises(ValidationFailed) as exc:
            services.save_submission(cycle=cycle, actor=user, data={**DATA, "title": "Late"}, submission=draft,
                                     now=at_deadline)
        assert exc.value.code == "call_closed"
        assert [code for code, _m in services.eligibility_problems(draft, now=at_deadline)] == ["call_closed"]
        assert services.eligibility_problems(draft, now=just_before) == []
        services.submit_submission(submission=draft, actor=user, now=just_before)
        assert Submission.objects.get(pk=draft.pk).title == "Green corridors"


def test_call_closed_message_names_the_reference_zone(db):
    cycle = dst_cycle()
    with pytest.raises(ValidationFailed) as exc:
        services.save_submission(cycle=cycle, actor=UserFactory(), data=DATA, new_applicant_name="Lyon",
                                 now=dt.datetime(2021, 3, 28, 1, 30, tzinfo=UTC))
    assert str(exc.value.message) == ("The call closed on 2021-03-28 03:30 CEST (Europe/Paris); submissions can no "
                                      "longer be changed.")


def test_vote_closes_at_the_first_of_the_repeated_hour(db):
    cycle = dst_cycle()
    finalist = SubmissionFactory(cycle=cycle, status=SubmissionStatus.SHORTLISTED)
    closes = dt.datetime(2021, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST, not 02:30 CET an hour later
    assert cycle.vote_closes_at.astimezone(UTC) == closes
    services.cast_public_vote(cycle=cycle, submission=finalist, email="a@example.org",
                              now=closes - dt.timedelta(seconds=1))
    with pytest.raises(Conflict) as exc:
        services.cast_public_vote(cycle=cycle, submission=finalist, email="b@example.org", now=closes)
    assert exc.value.code == "vote_closed"


def _phase_cells(html):
    start = html.index('<table class="phases">')
    return html[start:html.index("</table>", start)]


def test_cycle_page_in_the_visitors_zone_next_to_the_reference_zone(client, db):
    cycle = dst_cycle()
    client.cookies["urbis_tz"] = "America/New_York"
    html = client.get(f"/awards/{cycle.slug}/").content.decode()
    table = _phase_cells(html)
    # the deadline: 21:30 the day before in New York (already on summer time), 03:30 CEST in Paris
    assert ('<span class="when-mine" title="your time"><time datetime="2021-03-27T21:30:00-04:00">2021-03-27 21:30'
            '</time> <abbr class="zone" title="America/New_York">EDT</abbr></span>') in table
    assert ('(reference: <time datetime="2021-03-28T03:30:00+02:00">2021-03-28 03:30</time> '
            '<abbr class="zone" title="Europe/Paris">CEST</abbr>)') in table
    assert "Times are shown in your time zone, <strong>America/New_York</strong>" in html


def test_cycle_page_without_a_visitor_zone_shows_the_reference_zone_once(client, db):
    cycle = dst_cycle()
    html = client.get(f"/awards/{cycle.slug}/").content.decode()
    table = _phase_cells(html)
    assert ('<span class="when"><time datetime="2021-03-28T03:30:00+02:00">2021-03-28 03:30</time> '
            '<abbr class="zone" title="Europe/Paris">CEST</abbr></span>') in table
    assert "when-venue" not in table
    assert "Times are shown in the cycle's reference zone, <strong>Europe/Paris</strong>." in html


def test_logged_in_visitor_zone_from_profile_on_vote_page(client, db):
    cycle = dst_cycle()
    user = UserFactory(time_zone="Asia/Shanghai")
    client.force_login(user)
    html = client.get(f"/awards/{cycle.slug}/vote/").content.decode()
    assert ('<time datetime="2021-10-31T08:30:00+08:00">2021-10-31 08:30</time> '
            '<abbr class="zone" title="Asia/Shanghai">CST</abbr>') in html


def test_review_list_due_dates_in_each_cycles_zone(client, review_setup):
    round, members, _subs = review_setup
    round.cycle.time_zone = "Europe/Paris"
    round.cycle.save()
    Round.objects.filter(pk=round.pk).update(closes_at=dt.datetime(2021, 3, 28, 0, 59, tzinfo=UTC))
    client.cookies["urbis_tz"] = "UTC"
    client.force_login(members[0].person.user)
    html = client.get("/awards/review/").content.decode()
    assert ('<time datetime="2021-03-28T00:59:00+00:00">2021-03-28 00:59</time> <abbr class="zone" title="UTC">UTC'
            '</abbr>') in html
    assert '2021-03-28 01:59</time> <abbr class="zone" title="Europe/Paris">CET</abbr>' in html  # before the change


def test_award_when_without_any_zone_falls_back_to_utc():
    html = Template("{% load award_tags %}{% award_when moment %}").render(Context({
        "moment": dt.datetime(2021, 1, 1, 12, tzinfo=UTC)}))
    assert html == '<time datetime="2021-01-01T12:00:00+00:00">2021-01-01 12:00</time> <abbr class="zone" title="UTC">UTC</abbr>'
    assert Template("{% load award_tags %}{% award_when None %}").render(Context({})) == "—"


def test_zoned_field_refuses_the_skipped_hour_and_reads_the_repeated_one_as_the_first():
    field = ZonedDateTimeField(zone=PARIS, required=False)
    with pytest.raises(Exception) as exc:
        field.clean("2021-03-28T02:30")
    assert exc.value.messages == ["2021-03-28 02:30 does not exist in Europe/Paris (the clocks go forward then)."]
    assert field.clean("2021-03-28T03:30").astimezone(UTC) == dt.datetime(2021, 3, 28, 1, 30, tzinfo=UTC)
    assert field.clean("2021-10-31T02:30").astimezone(UTC) == dt.datetime(2021, 10, 31, 0, 30, tzinfo=UTC)
    assert field.clean("") is None


def test_round_due_date_entered_in_the_cycles_zone(client, db):
    cycle = dst_cycle()
    panel = PanelFactory(cycle=cycle)
    client.force_login(StaffFactory())
    response = client.post(f"/awards/{cycle.slug}/staff/rounds/new/", {
        "name": "Screening", "panel": panel.pk, "position": 1, "k": 1, "pool": "eligible", "method": "raw_mean",
        "closes_at": "2021-03-28T02:30"})
    assert response.status_code == 422
    assert [str(m) for m in response.context["messages"]] == [
        "Reviews due (in Europe/Paris): 2021-03-28 02:30 does not exist in Europe/Paris (the clocks go forward then)."]
    client.post(f"/awards/{cycle.slug}/staff/rounds/new/", {
        "name": "Screening", "panel": panel.pk, "position": 1, "k": 1, "pool": "eligible", "method": "raw_mean",
        "closes_at": "2021-05-31T18:00"})
    round = Round.objects.get()
    assert round.closes_at == dt.datetime(2021, 5, 31, 16, tzinfo=UTC)
    form = RoundForm(cycle=cycle, round=round)
    assert form["closes_at"].value() == dt.datetime(2021, 5, 31, 18, 0, tzinfo=PARIS).replace(tzinfo=None)  # wall clock
