"""Counting rules applied to a real secret election, its result in plain words, and the second round."""

import copy
import json
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from tests.assembly.factories import make_assembly, make_election
from tests.factories import UserFactory
from tests.helpers import requires_postgres
from urbis.assembly import services
from urbis.assembly.forms import ElectionForm
from urbis.assembly.models import AgendaItem, Election
from urbis.assembly.selectors import ceremony_state, election_record, run_off_origin, run_off_questions_for
from urbis.assembly.verifier import make_ballot, verify_record
from urbis.assembly.verifier.ballots import Question, new_code, public_credential
from urbis.assembly.verifier.ceremony import secret_share
from urbis.assembly.verifier.group import scalar_from_hex, scalar_hex
from urbis.assembly.verifier.tally import trustee_decryption
from urbis.core.errors import Conflict, ValidationFailed
from urbis.core.models import AuditEntry
from urbis.demo.assembly import run_key_ceremony

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"id": "president", "title": "President", "choices": ["Ana", "Bo", "Cy"], "min": 0, "max": 1, "seats": 1,
     "rule": "absolute_majority"},
    {"id": "africa", "title": "Board seats: Africa", "choices": ["Dakar", "Abidjan", "Johannesburg"], "min": 0,
     "max": 2, "seats": 2},
]
WEIGHTS = [1, 1, 1, 2, 1]
# per member (weights above): president, africa
PICKS = [
    [[1, 0, 0], [1, 1, 0]],
    [[1, 0, 0], [1, 0, 0]],
    [[0, 1, 0], [1, 0, 1]],
    [[0, 0, 1], [0, 0, 0]],    # weight 2
    [[0, 0, 0], [1, 0, 0]],    # a blank answer for the presidency
]
RUN_OFF_QUESTIONS = [
    {"id": "president", "title": "President", "choices": ["Ana", "Cy"], "min": 0, "max": 1, "seats": 1,
     "rule": "absolute_majority"},
    {"id": "africa", "title": "Board seats: Africa", "choices": ["Abidjan", "Johannesburg"], "min": 0, "max": 1,
     "seats": 1, "rule": "limited"},
]


def _vote_and_tally(a, item, election, codes, shares, picks):
    questions = [Question.from_json(q) for q in election.questions]
    for d in a.delegates:
        services.record_heartbeat(meeting=a.meeting, user=d)
    services.open_item(item=item, actor=a.staff)
    election.refresh_from_db()
    for member, delegate, pick in zip(a.members, a.delegates, picks, strict=True):
        ballot = make_ballot(election_id=str(election.public_id), public_key=bytes.fromhex(election.public_key),
                             questions=questions, selections=pick, code=codes[member.pk])
        services.cast_ballot(election=election, member=member, user=delegate, ballot=ballot)
    services.close_item(item=item, actor=a.staff)
    election.refresh_from_db()
    for t in election.trustees.filter(index__in=[1, 3]).order_by("index"):   # trustee 2 is absent
        services.submit_decryption(trustee=t, user=t.user, decryption=trustee_decryption(
            record=election_record(election), ciphertexts=election.encrypted_tally, index=t.index,
            share=scalar_from_hex(shares[t.index])))
    item.refresh_from_db()
    election.refresh_from_db()


def _first_round():
    a = make_assembly(5, weights=WEIGHTS)
    item, election, codes, shares = make_election(a, questions=QUESTIONS)
    closing = services.add_item(meeting=a.meeting, kind="report", title="Closing", actor=a.staff)
    services.add_item(meeting=a.meeting, kind="report", title="Any other business", actor=a.staff)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    _vote_and_tally(a, item, election, codes, shares, PICKS)
    return a, item, election, closing


@pytest.fixture
def first_round():
    return _first_round()


def test_the_result_applies_each_questions_rule_with_blanks_turnout_and_weights(first_round):
    a, item, election, _closing = first_round
    assert (item.status, election.result) == ("done", [[2, 1, 2], [4, 1, 1]])
    assert item.result == {
        "counts": [[2, 1, 2], [4, 1, 1]], "turnout": 5, "electorate": 5, "electorate_weight": 6, "ballots": 5,
        "ballots_weight": 6,
        "elected": [{"elected": [], "tied": [0, 2]}, {"elected": [0], "tied": [1, 2]}],
        "questions": [
            {"id": "president", "title": "President", "choices": ["Ana", "Bo", "Cy"], "min": 0, "max": 1,
             "rule": "absolute_majority", "seats": 1, "counts": [2, 1, 2], "ballots": 6, "blank": 1, "valid": 5,
             "elected": [], "run_off": [0, 2], "outcome": "run_off", "majority_needed": 3},
            {"id": "africa", "title": "Board seats: Africa", "choices": ["Dakar", "Abidjan", "Johannesburg"],
             "min": 0, "max": 2, "rule": "limited", "seats": 2, "counts": [4, 1, 1], "ballots": 6, "blank": None,
             "valid": None, "elected": [0], "run_off": [1, 2], "outcome": "run_off", "majority_needed": None},
        ],
    }


def test_the_verifier_re_derives_who_is_elected_and_catches_a_changed_claim(first_round):
    _a, _item, election, _closing = first_round
    record = election_record(election)
    assert ([(q["rule"], q["seats"]) for q in record["election"]["questions"]],
            record["tally"]["elected"]) == (
        [("absolute_majority", 1), ("limited", 2)],
        [{"elected": [], "run_off": [0, 2]}, {"elected": [0], "run_off": [1, 2]}])
    report = verify_record(record)
    assert (report.ok, report.errors) == (True, [])
    claimed = copy.deepcopy(record)
    claimed["tally"]["elected"][0] = {"elected": [0], "run_off": []}       # "Ana is President"
    assert verify_record(claimed).errors == [
        "the published winners [{'elected': [0], 'run_off': []}, {'elected': [0], 'run_off': [1, 2]}] differ from "
        "those the counting rules give [{'elected': [], 'run_off': [0, 2]}, {'elected': [0], 'run_off': [1, 2]}]"]
    relaxed = copy.deepcopy(record)
    relaxed["election"]["questions"][1]["seats"] = 3                     # a seat added after the fact
    assert verify_record(relaxed).errors == [
        "the published winners [{'elected': [], 'run_off': [0, 2]}, {'elected': [0], 'run_off': [1, 2]}] differ from "
        "those the counting rules give [{'elected': [], 'run_off': [0, 2]}, {'elected': [0, 1, 2], 'run_off': []}]"]


def test_the_item_page_and_the_board_say_the_result_in_plain_words(client, first_round):
    a, item, election, _closing = first_round
    pages = [client.get(reverse("assembly:item", args=[a.meeting.slug, item.pk])),
             client.get(reverse("assembly:board", args=[election.public_id]))]
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert [s in body for s in (
            "5 of 5 member governments took part.",
            "5 ballots counted, weighing 6 votes of the electorate's 6",
            "Valid votes: 5; blank: 1.", "An absolute majority is 3 votes.",
            "No absolute majority: a second round between Ana and Cy is needed.",
            "Elected: Dakar.", "Tied for the last seat: a second round between Abidjan and Johannesburg is needed.",
            "Votes per candidate only",
        )] == [True] * 8
        assert 'id="prepare-run-off"' not in body           # the public does not see the staff's button
    client.force_login(a.staff)
    assert 'id="prepare-run-off"' in client.get(reverse("assembly:item", args=[a.meeting.slug, item.pk])).content.decode()


def test_prepare_run_off_puts_the_second_round_right_after_the_first(first_round):
    a, item, _election, closing = first_round
    run_off = services.prepare_run_off(item=item, actor=a.staff)
    item.refresh_from_db()
    closing.refresh_from_db()
    assert list(a.meeting.items.order_by("position").values_list("pk", "position", "title")) == [
        (item.pk, 1, "Board election"), (run_off.pk, 2, "Second round: Board election"), (closing.pk, 3, "Closing"),
        (closing.pk + 1, 4, "Any other business")]
    assert (run_off.kind, run_off.status) == ("election", "pending")
    assert (run_off.title, run_off.body, run_off.quorum_rule) == (
        "Second round: Board election",
        "Second round of “Board election” (agenda item 1).\n"
        "President: no candidate obtained an absolute majority of the valid votes; candidates of the second round: "
        "Ana and Cy.\n"
        "Board seats: Africa: candidates tied for the last seats; 1 seat(s) to fill between Abidjan and Johannesburg.",
        item.quorum_rule)
    assert item.result["run_off"] == {"item": run_off.pk, "questions": RUN_OFF_QUESTIONS}
    assert (run_off_origin(run_off), run_off_questions_for(run_off), run_off_questions_for(item)) == (
        item, RUN_OFF_QUESTIONS, [])
    entry = AuditEntry.objects.filter(action="assembly.item.run_off_prepared").get()
    assert (entry.actor_id, entry.data) == (a.staff.pk, {"run_off_item": run_off.pk,
                                                         "questions": ["president", "africa"]})


def test_a_second_run_off_for_the_same_item_is_refused_and_changes_nothing(first_round):
    a, item, _election, _closing = first_round
    services.prepare_run_off(item=item, actor=a.staff)
    before = (list(AgendaItem.objects.values_list("pk", "position", "result").order_by("pk")),
              AuditEntry.objects.count())
    with pytest.raises(Conflict) as exc:
        services.prepare_run_off(item=item, actor=a.staff)
    assert exc.value.code == "run_off_exists"
    assert (list(AgendaItem.objects.values_list("pk", "position", "result").order_by("pk")),
            AuditEntry.objects.count()) == before


def test_prepare_run_off_refuses_items_that_need_none():
    a = make_assembly(3)
    item, election, codes, shares = make_election(a, questions=[QUESTIONS[0]])
    motion = services.add_item(meeting=a.meeting, kind="motion", title="Budget", actor=a.staff)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    with pytest.raises(Conflict) as pending:
        services.prepare_run_off(item=item, actor=a.staff)           # not tallied yet
    _vote_and_tally(a, item, election, codes, shares, [[[1, 0, 0]], [[1, 0, 0]], [[0, 1, 0]]])
    assert (item.result["questions"][0]["elected"], item.result["questions"][0]["outcome"]) == ([0], "elected")
    with pytest.raises(Conflict) as elected:
        services.prepare_run_off(item=item, actor=a.staff)
    with pytest.raises(Conflict) as not_election:
        services.prepare_run_off(item=motion, actor=a.staff)
    assert (pending.value.code, elected.value.code, not_election.value.code, AgendaItem.objects.count()) == (
        "not_tallied", "no_run_off_needed", "not_tallied", 2)


def test_no_second_round_is_prepared_once_the_meeting_is_closed(first_round):
    a, item, _election, _closing = first_round
    services.close_meeting(meeting=a.meeting, actor=a.staff)
    with pytest.raises(Conflict) as exc:
        services.prepare_run_off(item=item, actor=a.staff)
    item.refresh_from_db()
    assert (exc.value.code, AgendaItem.objects.count(), "run_off" in item.result) == ("meeting_not_open", 3, False)


def test_staff_action_run_off_allowed_for_staff_denied_for_a_delegate(client, first_round):
    a, item, _election, _closing = first_round
    url = reverse("assembly:staff_action", args=[a.meeting.slug, "run_off"])
    client.force_login(a.delegates[0])
    assert client.post(url, {"item": item.pk}).status_code == 403
    assert AgendaItem.objects.count() == 3
    client.force_login(a.staff)
    assert [client.post(url, data).status_code for data in ({"item": "x"}, {"item": "999999"}, {})] == [404] * 3
    assert (AgendaItem.objects.count(), AuditEntry.objects.filter(action="assembly.item.run_off_prepared").count()) == (
        3, 0)
    response = client.post(url, {"item": item.pk})
    run_off = AgendaItem.objects.get(title="Second round: Board election")
    assert (response.status_code, response["Location"]) == (302, reverse("assembly:item", args=[a.meeting.slug,
                                                                                              run_off.pk]))
    again = client.post(url, {"item": item.pk}, follow=True)
    assert ([str(m) for m in again.context["messages"]], AgendaItem.objects.count()) == (
        ["The second round is on the agenda: set up its election below.",
         "The second round of this election is already on the agenda."], 4)


def test_the_second_round_is_set_up_from_its_prefilled_form_and_elects(client, first_round):
    a, item, _election, _closing = first_round
    run_off = services.prepare_run_off(item=item, actor=a.staff)
    client.force_login(a.staff)
    page = client.get(reverse("assembly:item", args=[a.meeting.slug, run_off.pk])).content.decode()
    prefilled = ElectionForm(item=run_off).fields["questions"].initial
    assert (json.loads(prefilled), 'id="run-off-setup"' in page) == (RUN_OFF_QUESTIONS, True)
    client.force_login(a.delegates[0])
    assert 'id="run-off-setup"' not in client.get(reverse("assembly:item", args=[a.meeting.slug, run_off.pk])
                                                  ).content.decode()
    client.force_login(a.staff)
    trustees = [UserFactory() for _ in range(3)]
    client.post(reverse("assembly:staff_action", args=[a.meeting.slug, "election"]), {
        "item": run_off.pk, "questions": prefilled, "threshold": 2, "rule": "limited",
        "trustees": "\n".join(t.email for t in trustees)})
    election = Election.objects.get(item=run_off)
    assert election.questions == RUN_OFF_QUESTIONS
    keys = run_key_ceremony(election)
    state = ceremony_state(election)
    shares = {i: scalar_hex(secret_share(key=k, ceremony=state)) for i, k in keys.items()}
    election.refresh_from_db()
    codes = {m.pk: new_code() for m in a.members}
    weight_of = {s.member_id: s.weight for s in a.meeting.electorate.all()}
    services.publish_credentials(election=election, actor=a.registrar, credentials=[
        (public_credential(str(election.public_id), codes[m.pk]), weight_of[m.pk]) for m in a.members])
    run_off.refresh_from_db()
    _vote_and_tally(a, run_off, election, codes, shares, [
        [[1, 0], [1, 0]], [[1, 0], [1, 0]], [[1, 0], [1, 0]], [[0, 1], [0, 1]], [[0, 0], [1, 0]]])
    assert ([(q["elected"], q["outcome"]) for q in run_off.result["questions"]], election.result) == (
        [([0], "elected"), ([0], "elected")], [[3, 2], [4, 2]])     # Ana 3 of 5 valid votes; Abidjan 4 – 2
    assert verify_record(election_record(election)).ok is True


def test_set_up_refuses_an_inconsistent_rule_and_the_form_applies_the_default():
    a = make_assembly(2)
    item = services.add_item(meeting=a.meeting, kind="election", title="E", actor=a.staff)
    attempts = [({**QUESTIONS[0], "max": 2}, "absolute_majority_needs_one"),
                ({**QUESTIONS[0], "seats": 2}, "absolute_majority_needs_one"),
                ({**QUESTIONS[1], "rule": "stv"}, "unknown_rule"),
                ({**QUESTIONS[1], "seats": 4}, "bad_seats"),
                ({**QUESTIONS[1], "seats": 0}, "bad_seats")]
    for question, code in attempts:
        with pytest.raises(ValidationFailed) as exc:
            services.create_election(item=item, questions=[question], trustees=[UserFactory(), UserFactory()],
                                     threshold=2, actor=a.staff)
        assert exc.value.code == code
    assert Election.objects.count() == 0
    form = ElectionForm({"trustees": "a@example.org", "threshold": 1, "rule": "absolute_majority",
                         "questions": json.dumps([{k: v for k, v in QUESTIONS[0].items() if k != "rule"},
                                                  QUESTIONS[1] | {"rule": "limited"}])})
    assert form.is_valid(), form.errors
    assert [q["rule"] for q in form.cleaned_data["questions"]] == ["absolute_majority", "limited"]


@pytest.mark.parametrize(("names", "expected"), [
    ([], ""), (["Ana"], "Ana"), (["Ana", "Cy"], "Ana and Cy"), (["Ana", "Bo", "Cy"], "Ana, Bo and Cy")])
def test_name_list(names, expected):
    assert services.name_list(names) == expected


# ------------------------------------------------------------------------- races (PostgreSQL)


def _concurrently(calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def wrap(call):
        try:
            connection.ensure_connection()      # connect first, so that the calls really overlap
            barrier.wait()
            call()
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the test counts every kind of failure
            outcomes.append(getattr(exc, "code", f"{type(exc).__name__}: {exc}"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def _ten_prepares(lock):
    a, item, _election, _closing = _first_round()
    outcomes = _concurrently([lambda: services.prepare_run_off(item=item, actor=a.staff, lock=lock)] * 10)
    return outcomes, AgendaItem.objects.filter(title="Second round: Board election").count()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_requests_prepare_one_second_round():
    outcomes, run_offs = _ten_prepares(lock=True)
    assert (outcomes, run_offs) == (["ok"] + ["run_off_exists"] * 9, 1)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_the_race_shows():
    outcomes, run_offs = _ten_prepares(lock=False)
    # without the lock the requests overlap: duplicated second rounds, or the agenda's unique position
    # stops them with database errors — never the clean "already on the agenda" of the locked case
    assert (outcomes, run_offs) != (["ok"] + ["run_off_exists"] * 9, 1)
    assert run_offs > 1 or any(o.startswith("IntegrityError") for o in outcomes)
