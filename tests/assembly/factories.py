"""Factories and a ready-made meeting for the assembly tests."""

from dataclasses import dataclass, field

from tests.factories import EditionFactory, OrganisationFactory, StaffFactory, UserFactory
from urbis.assembly import services
from urbis.assembly.models import Meeting
from urbis.assembly.selectors import ceremony_state
from urbis.assembly.verifier.ballots import new_code, public_credential
from urbis.assembly.verifier.ceremony import secret_share
from urbis.assembly.verifier.group import scalar_hex
from urbis.demo.assembly import run_key_ceremony


@dataclass
class Assembly:
    meeting: Meeting
    staff: object
    members: list
    delegates: list
    registrar: object = None
    trustees: list = field(default_factory=list)


def make_assembly(n: int = 5, *, proxy_cap: int = 2, weights: list[int] | None = None, slug: str = "ga") -> Assembly:
    staff = StaffFactory()
    edition = EditionFactory()
    meeting = services.create_meeting(edition=edition, kind="general_assembly", title="General Assembly",
                                      slug=slug, proxy_cap=proxy_cap, actor=staff)
    members = [OrganisationFactory() for _ in range(n)]
    delegates = [UserFactory() for _ in range(n)]
    for i, (m, d) in enumerate(zip(members, delegates, strict=True)):
        services.set_seat(meeting=meeting, member=m, delegate=d, weight=(weights or [1] * n)[i], actor=staff)
    return Assembly(meeting=meeting, staff=staff, members=members, delegates=delegates)


QUESTIONS = [{"id": "africa", "title": "Board seats: Africa", "choices": ["Dakar", "Abidjan", "Johannesburg"],
              "min": 0, "max": 2, "seats": 2}]


def make_election(a: Assembly, *, trustees: int = 3, threshold: int = 2, questions=None):
    """An election item with trustees (key ceremony done) and published credentials; returns
    (item, election, codes, shares) where shares[i] is trustee i's x_i in hex, re-derived from their key file."""
    item = services.add_item(meeting=a.meeting, kind="election", title="Board election", quorum_rule="majority",
                             actor=a.staff)
    a.trustees = [UserFactory() for _ in range(trustees)]
    election = services.create_election(item=item, questions=questions or QUESTIONS, trustees=a.trustees,
                                        threshold=threshold, actor=a.staff)
    keys = run_key_ceremony(election)   # the trustees' key ceremony, each with the offline tool
    state = ceremony_state(election)
    shares = {i: scalar_hex(secret_share(key=k, ceremony=state)) for i, k in keys.items()}
    election.refresh_from_db()
    a.registrar = UserFactory()
    services.appoint_registrar(user=a.registrar, actor=a.staff)
    codes = [new_code() for _ in a.members]
    weights = [s.weight for s in a.meeting.electorate.order_by("member__name")]
    seat_members = [s.member for s in a.meeting.electorate.order_by("member__name")]
    eid = str(election.public_id)
    services.publish_credentials(election=election, actor=a.registrar,
                                 credentials=[(public_credential(eid, c), w) for c, w in zip(codes, weights,
                                                                                             strict=True)])
    code_of = {m.pk: c for m, c in zip(seat_members, codes, strict=True)}
    return item, election, code_of, shares


def open_election(a: Assembly, **kwargs):
    """`make_election`, then every delegate present, the meeting and the election item opened; returns
    (item, election, codes, shares) with the election re-read (its key and status as stored)."""
    item, election, codes, shares = make_election(a, **kwargs)
    for d in a.delegates:
        services.record_heartbeat(meeting=a.meeting, user=d)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    services.open_item(item=item, actor=a.staff)
    election.refresh_from_db()
    return item, election, codes, shares
