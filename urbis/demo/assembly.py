"""Demo step: the completed General Assembly of the reference edition.

About 140 member governments seated, proxies, the roll-call motion adopting the strategic action plan
2021–2023 (two thirds), and the Board election by world region by secret ballot, with three trustees
(two needed, one absent at the tally) and its published, verifiable record.
"""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from urbis.accounts.models import User
from urbis.assembly import services
from urbis.assembly.models import Election, Heartbeat, Meeting
from urbis.assembly.selectors import ceremony_state, election_record
from urbis.assembly.verifier import ceremony as trustee_tool
from urbis.assembly.verifier import make_ballot, verify_record
from urbis.assembly.verifier.ballots import Question, new_code, public_credential
from urbis.core.taxonomies import WORLD_REGIONS

from .builder import DemoContext

SLUG = "general-assembly-2021"


def _user(email: str, name: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    return user or User.objects.create(email=email, display_name=name, password=password)


def _keep_present(meeting: Meeting) -> None:
    """Renew the present delegates' heartbeats. Online presence lapses after `presence_seconds` of wall
    clock, and on a busy machine the 120-odd encrypted ballots take longer than that; without this, who
    counts as present (proxies, quorum) would depend on how fast the build runs."""
    Heartbeat.objects.filter(meeting=meeting).update(last_seen=timezone.now())


def run_key_ceremony(election: Election) -> dict[int, dict]:
    """Play every trustee's three rounds of the key ceremony with the offline trustee tool
    (urbis/assembly/verifier/ceremony.py), through the same services the API calls. Returns each trustee's
    key file — in real life each one stays on that trustee's own computer."""
    trustees = list(election.trustees.select_related("user").order_by("index"))
    eid = str(election.public_id)
    keys = {t.index: trustee_tool.key_file(election_id=eid, index=t.index, keypair=trustee_tool.make_box_keypair())
            for t in trustees}
    for t in trustees:
        services.submit_trustee_key(election=election, index=t.index, user=t.user,
                                    box_public_key=keys[t.index]["box_public_key"])
    box_keys = [keys[t.index]["box_public_key"] for t in trustees]
    for t in trustees:
        dealing = trustee_tool.make_dealing(election_id=eid, dealer=t.index, threshold=election.threshold,
                                            box_public_keys=box_keys)
        services.submit_dealing(election=election, index=t.index, user=t.user, dealing=dealing)
    state = ceremony_state(election)
    for t in trustees:
        answer = trustee_tool.confirm(key=keys[t.index], ceremony=state)
        services.submit_confirmation(election=election, index=t.index, user=t.user,
                                     verification_key=answer["verification_key"], proof=answer["proof"])
    return keys


def trustee_decrypts(election: Election, trustee, key: dict) -> None:
    """One trustee's partial decryption of the closed election, from their key file (the offline tool)."""
    decryption = trustee_tool.decrypt(key=key, ceremony=ceremony_state(election))
    services.submit_decryption(trustee=trustee, user=trustee.user, decryption=decryption)


def build(ctx: DemoContext) -> None:
    if Meeting.objects.filter(slug=SLUG).exists():
        ctx.say("Assembly: already built.")
        return
    rng = ctx.rng
    edition = ctx.data["edition"]
    users = ctx.data["users"]
    staff = users.get("staff@urbis.example") or ctx.data["admin"]
    members = [m for m in ctx.data["members"] if services.in_good_standing(m)]
    from urbis.program.models import Session

    session = (Session.objects.filter(edition=edition, version__isnull=True, title__icontains="General Assembly")
               .order_by("starts_at").first())
    meeting = services.create_meeting(edition=edition, kind="general_assembly", title="General Assembly 2021",
                                      slug=SLUG, proxy_cap=2, session=session, actor=staff)
    unusable = make_password(None)
    delegates = {}
    for i, member in enumerate(members):
        if i == 0 and "voting@urbis.example" in users:
            delegate = users["voting@urbis.example"]
        else:
            delegate = _user(f"voting.{member.slug}@urbis.example", f"Voting delegate of {member.name}", unusable)
        delegates[member.pk] = delegate
        services.set_seat(meeting=meeting, member=member, delegate=delegate, actor=staff)

    # about one member in eight stays away: half of them give their proxy to a present member
    absent = set(rng.sample([m.pk for m in members[1:]], k=len(members) // 8))
    present = [m for m in members if m.pk not in absent]
    holders = iter(rng.sample(present, k=len(present)))
    for grantor in [m for m in members if m.pk in absent][: len(absent) // 2]:
        # each absent member's own delegate appoints it (the audit shows who), as members do on the meeting page
        services.appoint_member_proxy(meeting=meeting, grantor=grantor, holder=next(holders),
                                      actor=delegates[grantor.pk])

    motion = services.add_item(meeting=meeting, kind="motion", title="Adoption of the strategic action plan 2021–2023",
                               body="The General Assembly adopts the association's strategic action plan 2021–2023.",
                               quorum_rule="majority", majority_rule="two_thirds", actor=staff)
    item = services.add_item(meeting=meeting, kind="election", title="Election of the Board, by world region",
                             quorum_rule="majority", actor=staff)
    questions = []
    for slug, label in WORLD_REGIONS:
        candidates = [m.name for m in members if m.region == slug][:4]
        if len(candidates) >= 2:
            seats = min(2, len(candidates) - 1)
            questions.append({"id": slug, "title": f"Board seats: {label}", "choices": candidates, "min": 0,
                              "max": seats, "seats": seats})
    trustees = [_user(f"trustee{i}@urbis.example", f"Trustee {i}", unusable) for i in (1, 2, 3)]
    election = services.create_election(item=item, questions=questions, trustees=trustees, threshold=2, actor=staff)
    keys = run_key_ceremony(election)
    registrar = _user("registrar@urbis.example", "Rui Registrar", unusable)
    services.appoint_registrar(user=registrar, actor=staff)
    eid = str(election.public_id)
    # the registrar's codes live only in this process (in real life: in the registrar's browser)
    codes = {m.pk: new_code() for m in members}
    services.publish_credentials(election=election, actor=registrar,
                                 credentials=[(public_credential(eid, c), 1) for c in codes.values()])

    services.open_meeting(meeting=meeting, actor=staff)
    now = timezone.now()
    Heartbeat.objects.bulk_create([Heartbeat(meeting=meeting, user=delegates[m.pk], last_seen=now) for m in present])

    _keep_present(meeting)
    services.open_item(item=motion, actor=staff)
    from urbis.assembly.selectors import meeting_state

    state = meeting_state(meeting)
    # voters in the members' order: `representation.by` is keyed by database ids, whose order is not
    # the same in every database, and each voter takes the next draws of ctx.rng
    voters = [(m.pk, state.representation.by[m.pk]) for m in members if m.pk in state.representation.by]
    for member_id, via_id in voters:
        member = state.seat_of[member_id].member
        choice = rng.choices(["yes", "no", "abstain"], weights=[82, 10, 8])[0]
        _keep_present(meeting)
        services.cast_roll_call(item=motion, member=member, user=delegates[via_id], choice=choice)
    services.close_item(item=motion, actor=staff)

    _keep_present(meeting)
    services.open_item(item=item, actor=staff)
    election.refresh_from_db()
    qs = [Question.from_json(q) for q in election.questions]
    for member_id, via_id in voters:
        selections = []
        for q in election.questions:
            k = rng.randint(0, q["max"])
            chosen = set(rng.sample(range(len(q["choices"])), k=k))
            selections.append([1 if j in chosen else 0 for j in range(len(q["choices"]))])
        ballot = make_ballot(election_id=eid, public_key=bytes.fromhex(election.public_key), questions=qs,
                             selections=selections, code=codes[member_id])
        _keep_present(meeting)
        services.cast_ballot(election=election, member=state.seat_of[member_id].member, user=delegates[via_id],
                             ballot=ballot)
    services.close_item(item=item, actor=staff)
    election = Election.objects.get(pk=election.pk)
    for t in election.trustees.filter(index__in=[1, 3]).order_by("index"):   # trustee 2 is absent
        trustee_decrypts(election, t, keys[t.index])
    services.close_meeting(meeting=meeting, actor=staff)
    # the meeting took place during the reference edition
    start = dt.datetime.combine(edition.starts_on + dt.timedelta(days=2), dt.time(9, 30), tzinfo=edition.zone)
    Meeting.objects.filter(pk=meeting.pk).update(opened_at=start, closed_at=start + dt.timedelta(hours=3))

    election = Election.objects.get(pk=election.pk)
    report = verify_record(election_record(election))
    motion.refresh_from_db()
    ctx.say(f"Assembly: {len(members)} members seated, {len(voters)} present or represented, "
            f"motion {'adopted' if motion.result['passed'] else 'rejected'} "
            f"({motion.result['yes']}/{motion.result['no']}/{motion.result['abstain']}); Board election "
            f"{report.ballots} ballots, record {'verified' if report.ok else 'FAILED: ' + '; '.join(report.errors)}.")
