"""Pages and endpoints: one allowed and one denied request each, query counts, bad input."""

import json

import pytest
from django.urls import reverse

from tests.assembly.factories import make_assembly, open_election
from tests.factories import UserFactory
from tests.helpers import count_queries
from urbis.assembly import services
from urbis.assembly.models import Ballot, RollCallVote
from urbis.assembly.verifier import make_ballot, verify_record
from urbis.assembly.verifier.ballots import Question

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _open_motion(n=3):
    a = make_assembly(n)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    for d in a.delegates:
        services.record_heartbeat(meeting=a.meeting, user=d)
    item = services.add_item(meeting=a.meeting, kind="motion", title="Plan", actor=a.staff)
    services.open_item(item=item, actor=a.staff)
    return a, item


def test_staff_pages_allow_staff_and_deny_others(client):
    a = make_assembly(2)
    assert _login(client, a.staff).get(reverse("assembly:staff_meeting", args=[a.meeting.slug])).status_code == 200
    assert client.get(reverse("assembly:staff_meetings")).status_code == 200
    client.force_login(a.delegates[0])
    assert client.get(reverse("assembly:staff_meeting", args=[a.meeting.slug])).status_code == 403
    assert client.post(reverse("assembly:staff_action", args=[a.meeting.slug, "open"])).status_code == 403
    assert a.meeting.status == "draft"


def test_staff_opens_meeting_and_refused_edit_shows_message(client):
    a = make_assembly(2)
    _login(client, a.staff)
    r = client.post(reverse("assembly:staff_action", args=[a.meeting.slug, "open"]), follow=True)
    assert r.status_code == 200
    r = client.post(reverse("assembly:staff_action", args=[a.meeting.slug, "seat"]),
                    {"member": a.members[0].pk, "weight": 5}, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["The electorate is frozen: the meeting has opened."]
    assert a.meeting.electorate.get(member=a.members[0]).weight == 1


def test_draft_meeting_is_hidden_from_the_public(client):
    a = make_assembly(2)
    assert client.get(reverse("assembly:meeting", args=[a.meeting.slug])).status_code == 404
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    assert client.get(reverse("assembly:meeting", args=[a.meeting.slug])).status_code == 200


def test_roll_call_vote_page_allowed_for_delegate_denied_for_stranger(client):
    a, item = _open_motion()
    url = reverse("assembly:roll_call_vote", args=[a.meeting.slug, item.pk])
    _login(client, UserFactory()).post(url, {"member": a.members[0].pk, "choice": "yes"})
    assert RollCallVote.objects.count() == 0
    _login(client, a.delegates[0]).post(url, {"member": a.members[0].pk, "choice": "yes"})
    assert list(RollCallVote.objects.values_list("member_id", "choice")) == [(a.members[0].pk, "yes")]
    r = client.post(url, {"member": "nonsense", "choice": "yes"}, follow=True)
    assert r.status_code == 200
    page = client.get(reverse("assembly:meeting", args=[a.meeting.slug]))
    assert page.status_code == 200
    log = client.get(reverse("assembly:item_log", args=[a.meeting.slug, item.pk])).json()
    assert [e["payload"]["choice"] for e in log["entries"]] == ["yes"]


def test_meeting_page_query_count_does_not_grow_with_the_electorate(client):
    counts = []
    for n, slug in ((3, "small"), (12, "large")):
        a = make_assembly(n, slug=slug)
        services.open_meeting(meeting=a.meeting, actor=a.staff)
        for _ in range(2):
            services.add_item(meeting=a.meeting, kind="motion", title="M", actor=a.staff)
        client.force_login(a.delegates[0])
        counts.append(count_queries(client.get, reverse("assembly:meeting", args=[a.meeting.slug]))[0])
    assert counts[0] == counts[1]


def test_item_page_query_count_does_not_grow_with_votes(client):
    counts = []
    for n, slug in ((3, "small"), (10, "large")):
        a, item = _open_motion(n) if slug == "small" else (None, None)
        if slug == "large":
            a = make_assembly(n, slug=slug)
            services.open_meeting(meeting=a.meeting, actor=a.staff)
            for d in a.delegates:
                services.record_heartbeat(meeting=a.meeting, user=d)
            item = services.add_item(meeting=a.meeting, kind="motion", title="Plan", actor=a.staff)
            services.open_item(item=item, actor=a.staff)
        for m, d in zip(a.members, a.delegates, strict=True):
            services.cast_roll_call(item=item, member=m, user=d, choice="yes")
        counts.append(count_queries(client.get, reverse("assembly:item", args=[a.meeting.slug, item.pk]))[0])
    assert counts[0] == counts[1]


def _open_election(n=3, slug="ga"):
    a = make_assembly(n, slug=slug)
    return (a, *open_election(a))


def _ballot(election, code):
    return make_ballot(election_id=str(election.public_id), public_key=bytes.fromhex(election.public_key),
                       questions=[Question.from_json(q) for q in election.questions], selections=[[1, 0, 0]],
                       code=code)


def test_ballot_api_allowed_for_delegate_denied_otherwise(client):
    a, item, election, codes, _shares = _open_election()
    url = f"/api/v1/assembly/elections/{election.public_id}/ballots"
    ballot = _ballot(election, codes[a.members[0].pk])
    body = json.dumps({"member": a.members[0].pk, "ballot": ballot})
    assert client.post(url, body, content_type="application/json").status_code == 401
    client.force_login(UserFactory())
    r = client.post(url, body, content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "not_a_delegate")
    client.force_login(a.delegates[0])
    r = client.post(url, body, content_type="application/json")
    assert (r.status_code, r.json()) == (201, {"tracker": Ballot.objects.get().tracker})
    r = client.post(url, "not json", content_type="application/json")
    assert r.status_code == 422
    r = client.post(url, json.dumps({"member": a.members[1].pk, "ballot": {"x": 1}}), content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "not_representing")
    assert Ballot.objects.count() == 1


def test_board_record_and_tracker_search_are_public(client):
    a, item, election, codes, _shares = _open_election()
    tracker = services.cast_ballot(election=election, member=a.members[0], user=a.delegates[0],
                                   ballot=_ballot(election, codes[a.members[0].pk]))
    r = client.get(reverse("assembly:board", args=[election.public_id]), {"tracker": tracker})
    assert (r.status_code, r.context["found"], r.context["trackers"]) == (200, True, [tracker])
    record = client.get(reverse("assembly:record", args=[election.public_id])).json()
    assert verify_record(record).ok is True
    assert client.get(f"/api/v1/assembly/elections/{election.public_id}/record").json() == record
    assert (record["voters"], record["participants"]) == (1, [a.members[0].name])
    assert r.content.decode().count(f"<li>{a.members[0].name}</li>") == 1


def test_who_voted_is_public_in_name_order_and_stored_without_a_time():
    from urbis.assembly.models import Ballot, Participation
    from urbis.assembly.selectors import election_record

    a, item, election, codes, _shares = _open_election(3)
    for m, d in reversed(list(zip(a.members, a.delegates, strict=True))):
        services.cast_ballot(election=election, member=m, user=d, ballot=_ballot(election, codes[m.pk]))
    record = election_record(election)
    assert record["participants"] == sorted(m.name for m in a.members)
    time_fields = [f.name for model in (Participation, Ballot) for f in model._meta.get_fields()
                   if f.get_internal_type() in ("DateTimeField", "DateField", "TimeField")]
    assert time_fields == []
    assert verify_record({**record, "participants": record["participants"][::-1]}).errors == [
        "the list of member governments that took part is not sorted or has a repeat"]
    assert verify_record({**record, "participants": record["participants"][:2]}).errors == [
        "the list of member governments that took part does not match their number"]


def test_registrar_trustee_and_vote_pages_permissions(client):
    a, item, election, codes, _shares = _open_election()
    for name in ("registrar", "trustee", "vote"):
        client.force_login(UserFactory())
        assert client.get(reverse(f"assembly:{name}", args=[election.public_id])).status_code == 403
    client.force_login(a.registrar)
    assert client.get(reverse("assembly:registrar", args=[election.public_id])).status_code == 200
    client.force_login(a.trustees[0])
    assert client.get(reverse("assembly:trustee", args=[election.public_id])).status_code == 200
    client.force_login(a.delegates[0])
    assert client.get(reverse("assembly:vote", args=[election.public_id])).status_code == 200


def test_credentials_api_refuses_the_operator(client):
    a = make_assembly(2)
    item = services.add_item(meeting=a.meeting, kind="election", title="E", actor=a.staff)
    election = services.create_election(item=item, questions=[{"id": "q", "choices": ["a", "b"], "max": 1}],
                                        trustees=[UserFactory(), UserFactory()], threshold=1, actor=a.staff)
    client.force_login(a.staff)
    body = {"credentials": [{"credential": "ab" * 32, "weight": 1}, {"credential": "cd" * 32, "weight": 1}]}
    r = client.post(f"/api/v1/assembly/elections/{election.public_id}/credentials", body,
                    content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "not_registrar")


def test_live_panel_and_state_api(client):
    a, item = _open_motion(3)
    r = client.get(reverse("assembly:live", args=[a.meeting.slug]))
    assert r.status_code == 200
    state = client.get(f"/api/v1/assembly/meetings/{a.meeting.slug}/state").json()
    assert state == {"status": "open", "present": 3, "represented": 3, "seats": 3,
                     "quorum": {"met": True, "have": 3, "needed": 2, "total": 3}}
    assert client.get("/api/v1/assembly/meetings/nope/state").status_code == 404


@pytest.mark.parametrize(("language", "heading"), [("fr", "Réunions statutaires"), ("es", "Reuniones estatutarias"),
                                                   ("zh-hans", "法定会议")])
def test_meeting_list_is_translated(client, language, heading):
    from django.conf import settings as django_settings

    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    r = client.get(reverse("assembly:meetings"))
    assert (r.status_code, f"<h1>{heading}</h1>" in r.content.decode()) == (200, True)


def test_meeting_list_query_count_does_not_grow(client):
    counts = []
    for n in (1, 6):
        for i in range(n):
            a = make_assembly(1, slug=f"m{n}-{i}")
            services.open_meeting(meeting=a.meeting, actor=a.staff)
        counts.append(count_queries(client.get, reverse("assembly:meetings"))[0])
    assert counts[0] == counts[1]


def test_board_query_count_does_not_grow_with_ballots(client):
    counts = []
    for n in (2, 6):
        a, item, election, codes, _shares = _open_election(n, slug=f"ga{n}")
        for m, d in zip(a.members, a.delegates, strict=True):
            services.cast_ballot(election=election, member=m, user=d, ballot=_ballot(election, codes[m.pk]))
        counts.append(count_queries(client.get, reverse("assembly:board", args=[election.public_id]))[0])
    assert counts[0] == counts[1]


def test_minutes_pdf_lists_the_roll_call_and_is_hidden_while_in_preparation(client):
    a, item = _open_motion(3)
    for m, d, choice in zip(a.members, a.delegates, ("yes", "yes", "no"), strict=True):
        services.cast_roll_call(item=item, member=m, user=d, choice=choice)
    services.close_item(item=item, actor=a.staff)
    r = client.get(reverse("assembly:minutes", args=[a.meeting.slug]))
    assert (r.status_code, r["Content-Type"], r.content[:5]) == (200, "application/pdf", b"%PDF-")
    draft = make_assembly(1, slug="draft")
    assert client.get(reverse("assembly:minutes", args=[draft.meeting.slug])).status_code == 404
