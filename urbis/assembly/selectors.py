"""Reads of the assembly reused by pages, the API, services and the verifier export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from . import rules
from .enums import MeetingStatus
from .models import AgendaItem, Election, ElectorateMember, Heartbeat, Meeting, RollCallVote
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
            "questions": [{k: q[k] for k in ("id", "title", "choices", "min", "max")} for q in election.questions],
            "public_key": election.public_key, "threshold": election.threshold,
            "commitments": list(election.commitments),
            "trustees": [{"index": t.index, "name": str(t.user), "verification_key": t.verification_key}
                         for t in election.trustees.select_related("user").order_by("index")],
        },
        "credentials": [{"credential": c, "weight": w} for c, w in
                        election.credentials.order_by("public_key").values_list("public_key", "weight")],
        "status": election.status if election.status != "setup" else "open",
        "voters": election.participations.count(),
        "ballots": list(election.ballots.order_by("tracker").values_list("body", flat=True)),
    }
    if election.status == "tallied":
        record["tally"] = {"ciphertexts": election.encrypted_tally,
                           "decryptions": [t.decryption for t in election.trustees.exclude(decryption=None)
                                           .order_by("index")],
                           "result": election.result}
    return record
