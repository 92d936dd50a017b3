"""Reads of the assembly reused by pages, the API, services and the verifier export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from . import rules
from .enums import MeetingStatus
from .models import AgendaItem, Election, ElectorateMember, Heartbeat, Meeting, RollCallVote
from .verifier.counting import rule_of, seats_of
from .verifier.record import FORMAT


@dataclass
class MeetingState:
    seats: list[ElectorateMember]
    seat_of: dict[int, ElectorateMember]
    present: set[int]                       # member ids present (on site or online)
    representation: rules.Representation
    proxies: dict[int, int]

    def quorum(self, rule: str) -> rules.Quorum:
        return rules.quorum(rule=rule, members_total=len(self.seats), represented=len(self.representation.by))


def seats(meeting: Meeting) -> QuerySet[ElectorateMember]:
    return meeting.electorate.select_related("member", "delegate", "substitute").order_by("member__name")


def present_user_ids(meeting: Meeting, *, now: dt.datetime | None = None, among: set[int] | None = None) -> set[int]:
    """People present: checked in on site for the edition, or with the meeting page open recently
    (only those in `among`, when given)."""
    now = now or timezone.now()
    beats = Heartbeat.objects.filter(meeting=meeting, last_seen__gte=now - dt.timedelta(seconds=meeting.presence_seconds))
    if among is not None:
        beats = beats.filter(user_id__in=among)
    online = set(beats.values_list("user_id", flat=True))
    try:
        from urbis.registration.selectors import checked_in_user_ids
    except ImportError:  # registration not installed: online presence only
        return online
    on_site = checked_in_user_ids(edition=meeting.edition)
    return online | (on_site if among is None else on_site & among)


def meeting_state(meeting: Meeting, *, also_present_user=None, now: dt.datetime | None = None) -> MeetingState:
    all_seats = list(seats(meeting))
    users = present_user_ids(meeting, now=now)
    if also_present_user is not None:
        users.add(also_present_user.pk)
    present = {s.member_id for s in all_seats if s.delegate_id in users or s.substitute_id in users}
    proxies = dict(meeting.proxies.order_by("id").values_list("grantor_id", "holder_id"))
    rep = rules.representation(seats=[rules.Seat(s.member_id, s.weight) for s in all_seats], present=present,
                               proxies=proxies, cap=meeting.proxy_cap)
    return MeetingState(seats=all_seats, seat_of={s.member_id: s for s in all_seats}, present=present,
                        representation=rep, proxies=proxies)


def members_user_can_cast(meeting: Meeting, user) -> list[tuple[ElectorateMember, ElectorateMember]]:
    """(seat voted for, seat of the delegate casting it) for every member this person may vote for now."""
    if not user.is_authenticated:
        return []
    state = meeting_state(meeting, also_present_user=user)
    out = []
    for member_id, via_id in state.representation.by.items():
        via = state.seat_of[via_id]
        if user.pk in (via.delegate_id, via.substitute_id):
            out.append((state.seat_of[member_id], via))
    return sorted(out, key=lambda pair: pair[0].member.name)


def visible_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.exclude(status=MeetingStatus.DRAFT).select_related("edition").order_by("-opened_at")


def agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    return meeting.items.select_related("election").order_by("position", "id")


def roll_call(item: AgendaItem) -> QuerySet[RollCallVote]:
    return item.roll_call.select_related("member", "via", "cast_by").order_by("member__name")


def election_record(election: Election) -> dict:
    """The public record in the verifier's format (see verifier/record.py)."""
    election = Election.objects.select_related("item").get(pk=election.pk)
    record = {
        "format": FORMAT,
        "election": {
            "id": str(election.public_id), "title": election.item.title,
            "questions": [{**{k: q[k] for k in ("id", "title", "choices", "min", "max")},
                           "seats": seats_of(q), "rule": rule_of(q)} for q in election.questions],
            "public_key": election.public_key, "threshold": election.threshold,
            "commitments": list(election.commitments),
            "trustees": [{"index": t.index, "name": str(t.user), "box_public_key": t.box_public_key,
                          "dealing": _published_dealing(election, t), "verification_key": t.verification_key,
                          "key_proof": t.key_proof}
                         for t in election.trustees.select_related("user").order_by("index")],
        },
        "credentials": [{"credential": c, "weight": w} for c, w in
                        election.credentials.order_by("public_key").values_list("public_key", "weight")],
        "status": election.status if election.status != "setup" else "open",
        "voters": election.participations.count(),
        "participants": sorted(election.participations.values_list("member__name", flat=True)),
        "ballots": list(election.ballots.order_by("tracker").values_list("body", flat=True)),
    }
    if election.status == "tallied":
        record["tally"] = {"ciphertexts": election.encrypted_tally,
                           "decryptions": [t.decryption for t in election.trustees.exclude(decryption=None)
                                           .order_by("index")],
                           "result": election.result}
        if election.item.result.get("questions"):  # who is elected, which the verifier re-derives
            record["tally"]["elected"] = [{"elected": q["elected"], "run_off": q["run_off"]}
                                          for q in election.item.result["questions"]]
    return record


def run_off_origin(item: AgendaItem) -> AgendaItem | None:
    """The tallied election item whose second round `item` is (see services.prepare_run_off)."""
    if item.kind != "election":
        return None
    return AgendaItem.objects.filter(meeting_id=item.meeting_id, result__run_off__item=item.pk).first()


def run_off_questions_for(item: AgendaItem) -> list[dict]:
    """The pre-filled questions of a prepared second round (stored with the first round's result)."""
    origin = run_off_origin(item)
    return list(origin.result["run_off"]["questions"]) if origin is not None else []


def ceremony_state(election: Election) -> dict:
    """The key ceremony as the trustees' browsers and the offline tool read it (all of it public)."""
    election = Election.objects.select_related("item").get(pk=election.pk)
    return {
        "election": str(election.public_id), "title": election.item.title, "threshold": election.threshold,
        "status": election.ceremony, "failure": election.ceremony_failure, "election_status": election.status,
        "public_key": election.public_key,
        "questions": [{k: q[k] for k in ("id", "title", "choices", "min", "max")} for q in election.questions],
        "encrypted_tally": election.encrypted_tally or None,
        "trustees": [{"index": t.index, "name": str(t.user), "box_public_key": t.box_public_key,
                      "dealt": t.dealing is not None, "dealing": _published_dealing(election, t),
                      "verification_key": t.verification_key, "complaint": t.complaint}
                     for t in election.trustees.select_related("user").order_by("index")],
    }


def _published_dealing(election: Election, trustee) -> dict | None:
    """A dealing is published only once every trustee has dealt, so that no dealer can choose its own
    after seeing the others' (docs/decisions/0006)."""
    from .enums import CeremonyStatus

    if election.ceremony in (CeremonyStatus.KEYS, CeremonyStatus.DEALINGS):
        return None
    return trustee.dealing


# ------------- member self-service, agenda, attachments, minutes


@dataclass
class ProxyRow:
    grantor: object            # Organisation
    holder: object             # Organisation
    holder_delegate: object    # User or None


@dataclass
class OwnSeat:
    """What a delegate sees of their own member's proxies on the meeting page."""

    seat: ElectorateMember
    given: ProxyRow | None
    held: list[ProxyRow]
    eligible: list[ElectorateMember]   # members it may give its proxy to


def proxy_rows(meeting: Meeting) -> list[ProxyRow]:
    """Every proxy of the meeting, "X is represented by Z (its delegate Y)", in grantor-name order (2 queries)."""
    proxies = list(meeting.proxies.select_related("grantor", "holder").order_by("grantor__name", "id"))
    delegates = dict(meeting.electorate.filter(member_id__in={p.holder_id for p in proxies})
                     .values_list("member_id", "delegate_id"))
    people = {u.pk: u for u in _users({pk for pk in delegates.values() if pk is not None})}
    return [ProxyRow(p.grantor, p.holder, people.get(delegates.get(p.holder_id))) for p in proxies]


def _users(ids: set[int]) -> list:
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(pk__in=ids)) if ids else []


def own_seats(meeting: Meeting, user, rows: list[ProxyRow] | None = None) -> list[OwnSeat]:
    """The seats `user` is the delegate or substitute of, with the proxy each gave, those it holds, and the
    members it may still give its proxy to (seated, not itself, not a member that gave its own away)."""
    if not user.is_authenticated:
        return []
    all_seats = list(seats(meeting))
    mine = [s for s in all_seats if user.pk in (s.delegate_id, s.substitute_id)]
    if not mine:
        return []
    rows = proxy_rows(meeting) if rows is None else rows
    grantors = {r.grantor.pk for r in rows}
    out = []
    for seat in mine:
        given = next((r for r in rows if r.grantor.pk == seat.member_id), None)
        held = [r for r in rows if r.holder.pk == seat.member_id]
        eligible = [s for s in all_seats if s.member_id != seat.member_id and s.member_id not in grantors]
        out.append(OwnSeat(seat=seat, given=given, held=held, eligible=eligible))
    return out


def visible_attachments(meeting: Meeting, user) -> list:
    """The meeting's documents this person may see, meeting-wide ones first, then by agenda position (1 query,
    plus one to know whether the person is a delegate of the meeting)."""
    from .models import AgendaAttachment
    from .permissions import can_see_attachment, is_voting_delegate_in

    delegate = is_voting_delegate_in(user, meeting)
    docs = (AgendaAttachment.objects.filter(meeting=meeting).select_related("item", "meeting")
            .order_by("item__position", "title", "id"))
    # meeting-wide documents (no item) first, whatever the database's NULL ordering
    docs = sorted(docs, key=lambda a: (a.item_id is not None, a.item.position if a.item else 0, a.title, a.pk))
    return [a for a in docs if can_see_attachment(user, a, delegate=delegate)]
