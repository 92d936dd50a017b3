"""Every write of the assembly: meetings, electorate, proxies, presence, roll calls, secret elections.

Each service is atomic; state changes by staff are audited. Audit entries never hold a ballot choice
nor anything that links a credential or a ballot to a member. Counters and boards change under a
row lock on the item or the election.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.accounts.enums import Role
from urbis.core.audit import log_action
from urbis.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urbis.members.enums import MembershipStatus, OrganisationKind
from urbis.members.models import Organisation
from urbis.program.models import Edition

from . import rules
from .enums import ElectionStatus, ItemKind, ItemStatus, MeetingKind, MeetingStatus, VoteChoice
from .models import (
    AgendaItem,
    Ballot,
    Credential,
    Election,
    ElectorateMember,
    Heartbeat,
    Meeting,
    Participation,
    Proxy,
    Registrar,
    RollCallLogEntry,
    RollCallVote,
    Trustee,
)
from .verifier.ballots import BallotInvalid, Question, canonical, check_ballot, tracker
from .verifier.group import GroupError, point, scalar_from_hex, scalar_hex
from .verifier.proofs import Ciphertext, verify_partial
from .verifier.record import decryption_context
from .verifier.tally import combine_result
from .verifier.threshold import combine_dealings, deal, verification_key

# -------------------------------------------------------------------------- server signing key


def server_signing_key():
    """The server's Ed25519 key that signs the roll-call log, kept in the data folder (created once)."""
    from nacl.signing import SigningKey

    path = settings.DATA_DIR / "assembly_signing_key"
    if not path.exists():
        path.write_bytes(bytes(SigningKey.generate()))
        path.chmod(0o600)
    return SigningKey(path.read_bytes())


# -------------------------------------------------------------------------- meetings and electorate


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def create_meeting(*, edition: Edition, kind: str, title: str, slug: str, proxy_cap: int = 2,
                   session=None, actor) -> Meeting:
    """Create a meeting in preparation; audited."""
    if kind not in MeetingKind.values:
        raise ValidationFailed(_("Unknown kind of meeting."), code="unknown_kind", field="kind")
    if Meeting.objects.filter(slug=slug).exists():
        raise Conflict(_("A meeting with this address already exists."), code="slug_taken", field="slug")
    meeting = Meeting.objects.create(edition=edition, kind=kind, title=title, slug=slug, proxy_cap=proxy_cap,
                                     session=session)
    log_action(meeting, "assembly.meeting.created", actor=actor, data={"kind": kind})
    return meeting


class ElectorateFrozen(Conflict):
    code = "electorate_frozen"


def _refuse_if_frozen(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.DRAFT:
        raise ElectorateFrozen(_("The electorate is frozen: the meeting has opened."))


def _audit_frozen_refusals(func):
    """Record an attempt to edit a frozen electorate, after the refused transaction has rolled back."""
    import functools

    @functools.wraps(func)
    def wrapper(*, meeting: Meeting, actor, **kwargs):
        try:
            return func(meeting=meeting, actor=actor, **kwargs)
        except ElectorateFrozen:
            log_action(meeting, "assembly.electorate.edit_refused", actor=actor,
                       data={"service": func.__name__, **{k: getattr(v, "pk", v) for k, v in kwargs.items()
                                                          if k in ("member", "grantor", "holder", "weight")}})
            raise

    return wrapper


def in_good_standing(member: Organisation) -> bool:
    return (member.kind == OrganisationKind.MEMBER_GOVERNMENT and member.membership_status == MembershipStatus.ACTIVE
            and member.dues_paid)


@_audit_frozen_refusals
@transaction.atomic
def build_electorate(*, meeting: Meeting, actor) -> int:
    """Give a seat to every member government in good standing not yet seated; audited."""
    meeting = _lock_meeting(meeting)
    _refuse_if_frozen(meeting)
    seated = set(meeting.electorate.values_list("member_id", flat=True))
    members = Organisation.objects.filter(kind=OrganisationKind.MEMBER_GOVERNMENT,
                                          membership_status=MembershipStatus.ACTIVE, dues_paid=True)
    new = [ElectorateMember(meeting=meeting, member=m) for m in members if m.pk not in seated]
    ElectorateMember.objects.bulk_create(new)
    log_action(meeting, "assembly.electorate.built", actor=actor, data={"added": len(new)})
    return len(new)


@_audit_frozen_refusals
@transaction.atomic
def set_seat(*, meeting: Meeting, member: Organisation, delegate=None, substitute=None, weight: int = 1,
             actor) -> ElectorateMember:
    """Seat a member (or change its seat): weight, voting delegate, substitute. Refused once open; audited."""
    from urbis.accounts.services import grant_role

    meeting = _lock_meeting(meeting)
    _refuse_if_frozen(meeting)
    if not in_good_standing(member):
        raise ValidationFailed(_("%(member)s is not a member in good standing.") % {"member": member},
                               code="not_in_good_standing")
    if weight < 1:
        raise ValidationFailed(_("A weight is at least 1."), code="bad_weight", field="weight")
    if delegate is not None and substitute is not None and delegate.pk == substitute.pk:
        raise ValidationFailed(_("The substitute must be another person."), code="same_person", field="substitute")
    seat, _created = ElectorateMember.objects.update_or_create(
        meeting=meeting, member=member, defaults={"weight": weight, "delegate": delegate, "substitute": substitute})
    for person in (delegate, substitute):
        if person is not None and not person.has_role(Role.VOTING_DELEGATE):
            grant_role(user=person, role=Role.VOTING_DELEGATE, actor=actor)
    log_action(meeting, "assembly.electorate.seat_set", actor=actor,
               data={"member": member.pk, "weight": weight, "delegate": getattr(delegate, "pk", None),
                     "substitute": getattr(substitute, "pk", None)})
    return seat


@_audit_frozen_refusals
@transaction.atomic
def appoint_proxy(*, meeting: Meeting, grantor: Organisation, holder: Organisation, actor) -> Proxy:
    """Member `grantor` gives its proxy to member `holder` (cap per holder); refused once open; audited."""
    meeting = _lock_meeting(meeting)
    _refuse_if_frozen(meeting)
    seated = set(meeting.electorate.filter(member__in=[grantor, holder]).values_list("member_id", flat=True))
    if seated != {grantor.pk, holder.pk}:
        raise ValidationFailed(_("Both members must be in the electorate."), code="not_in_electorate")
    if grantor.pk == holder.pk:
        raise ValidationFailed(_("A member cannot hold its own proxy."), code="proxy_to_self")
    if Proxy.objects.filter(meeting=meeting, grantor=holder).exists():
        raise ValidationFailed(_("The holder has itself given its proxy away."), code="proxy_chain")
    held = Proxy.objects.filter(meeting=meeting, holder=holder).exclude(grantor=grantor).count()
    if held >= meeting.proxy_cap:
        raise Conflict(_("%(holder)s already holds the most proxies allowed (%(cap)s).")
                       % {"holder": holder, "cap": meeting.proxy_cap}, code="proxy_cap")
    proxy, _created = Proxy.objects.update_or_create(meeting=meeting, grantor=grantor, defaults={"holder": holder})
    log_action(meeting, "assembly.proxy.appointed", actor=actor, data={"grantor": grantor.pk, "holder": holder.pk})
    return proxy


@transaction.atomic
def open_meeting(*, meeting: Meeting, actor) -> Meeting:
    """Open the meeting: the electorate and proxies are frozen from now on; audited."""
    meeting = _lock_meeting(meeting)
    if meeting.status != MeetingStatus.DRAFT:
        raise Conflict(_("The meeting is already open or closed."), code="not_draft")
    if not meeting.electorate.exists():
        raise ValidationFailed(_("The meeting has no electorate."), code="no_electorate")
    meeting.status, meeting.opened_at = MeetingStatus.OPEN, timezone.now()
    meeting.save(update_fields=["status", "opened_at", "updated_at"])
    log_action(meeting, "assembly.meeting.opened", actor=actor,
               data={"seats": meeting.electorate.count(), "proxies": meeting.proxies.count()})
    return meeting


@transaction.atomic
def close_meeting(*, meeting: Meeting, actor) -> Meeting:
    """Close the meeting (every item must be closed first); audited."""
    meeting = _lock_meeting(meeting)
    if meeting.status != MeetingStatus.OPEN:
        raise Conflict(_("The meeting is not in session."), code="not_open")
    if meeting.items.filter(status=ItemStatus.OPEN).exists():
        raise Conflict(_("An item is still open for voting."), code="item_open")
    meeting.status, meeting.closed_at = MeetingStatus.CLOSED, timezone.now()
    meeting.save(update_fields=["status", "closed_at", "updated_at"])
    log_action(meeting, "assembly.meeting.closed", actor=actor)
    return meeting


def record_heartbeat(*, meeting: Meeting, user, at: dt.datetime | None = None) -> None:
    """Online presence: the person has the meeting page open (not audited: it happens every few seconds)."""
    Heartbeat.objects.update_or_create(meeting=meeting, user=user, defaults={"last_seen": at or timezone.now()})


# -------------------------------------------------------------------------- agenda


@transaction.atomic
def add_item(*, meeting: Meeting, kind: str, title: str, body: str = "", quorum_rule: str = "majority",
             majority_rule: str = "simple", actor) -> AgendaItem:
    """Add an item at the end of the agenda; audited."""
    if kind not in ItemKind.values:
        raise ValidationFailed(_("Unknown kind of item."), code="unknown_kind", field="kind")
    try:
        rules.QuorumRule(quorum_rule)
        rules.MajorityRule(majority_rule)
    except ValueError as exc:
        raise ValidationFailed(_("Unknown quorum or majority rule."), code="unknown_rule") from exc
    meeting = _lock_meeting(meeting)
    if meeting.status == MeetingStatus.CLOSED:
        raise Conflict(_("The meeting is closed."), code="meeting_closed")
    position = (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaItem.objects.create(meeting=meeting, position=position, kind=kind, title=title, body=body,
                                     quorum_rule=quorum_rule, majority_rule=majority_rule)
    log_action(item, "assembly.item.added", actor=actor, data={"kind": kind})
    return item


def _lock_item(item: AgendaItem) -> AgendaItem:
    return AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)


@transaction.atomic
def open_item(*, item: AgendaItem, actor) -> AgendaItem:
    """Open an item for voting; refused without quorum; audited with the quorum figures."""
    from .selectors import meeting_state

    item = _lock_item(item)
    if item.meeting.status != MeetingStatus.OPEN:
        raise Conflict(_("The meeting is not in session."), code="meeting_not_open")
    if item.status != ItemStatus.PENDING:
        raise Conflict(_("This item has already been opened."), code="item_not_pending")
    if item.meeting.items.filter(status=ItemStatus.OPEN).exclude(pk=item.pk).exists():
        raise Conflict(_("Another item is open: close it first."), code="other_item_open")
    state = meeting_state(item.meeting)
    q = rules.quorum(rule=item.quorum_rule, members_total=len(state.seats), represented=len(state.representation.by))
    if not q.met:
        raise Conflict(_("No quorum: %(have)s of %(needed)s members needed are present or represented.")
                       % {"have": q.have, "needed": q.needed}, code="no_quorum")
    if item.kind == ItemKind.ELECTION:
        election = Election.objects.select_for_update().get(item=item)
        if not election.public_key or election.credentials_published_at is None:
            raise Conflict(_("The election key or the credential list is not ready."), code="election_not_ready")
        election.status = ElectionStatus.OPEN
        election.save(update_fields=["status", "updated_at"])
    item.status = ItemStatus.OPEN
    item.quorum_at_open = {"have": q.have, "needed": q.needed, "total": q.total}
    item.save(update_fields=["status", "quorum_at_open", "updated_at"])
    log_action(item, "assembly.item.opened", actor=actor, data=item.quorum_at_open)
    return item


def _can_cast_for(*, meeting: Meeting, member: Organisation, user) -> Organisation:
    """The member through which `user` casts `member`'s vote (itself, or the proxy holder); else raise.

    The same answer as `rules.representation` over the whole meeting (tested against it), computed
    from the few rows that matter — the member's seat, its proxy holder and the holder's other
    grantors — so that a vote costs the same with 140 or 1,000 members.
    """
    from django.db.models import Q

    from .selectors import present_user_ids

    if not (user.is_authenticated and user.has_role(Role.VOTING_DELEGATE)):
        raise PermissionDenied(_("Only a designated voting delegate can vote."), code="not_a_delegate")
    mine = set(meeting.electorate.filter(Q(delegate=user) | Q(substitute=user)).values_list("member_id", flat=True))
    if member.pk in mine:
        return member
    proxy = meeting.proxies.filter(grantor=member).first()
    if proxy is None or not meeting.electorate.filter(member=member).exists():
        raise PermissionDenied(_("You do not represent this member."), code="not_representing")
    grantors = list(meeting.proxies.filter(holder_id=proxy.holder_id).order_by("id").values_list("grantor_id", flat=True))
    relevant = {proxy.holder_id, *grantors}
    seats = list(meeting.electorate.filter(member_id__in=relevant).values_list("member_id", "delegate_id",
                                                                                "substitute_id"))
    people = {uid for _m, d, s in seats for uid in (d, s) if uid is not None}
    present_users = present_user_ids(meeting, among=people) | {user.pk}
    present = {m for m, d, s in seats if d in present_users or s in present_users} | (mine & relevant)
    rep = rules.representation(seats=[rules.Seat(m) for m, _d, _s in seats], present=present,
                               proxies={g: proxy.holder_id for g in grantors}, cap=meeting.proxy_cap)
    via_id = rep.by.get(member.pk)
    if via_id is None and member.pk in rep.refused:
        raise PermissionDenied(_("The proxy does not count (%(why)s).") % {"why": rep.refused[member.pk]},
                               code="proxy_refused")
    if via_id is None or via_id not in mine:
        raise PermissionDenied(_("You do not represent this member."), code="not_representing")
    return proxy.holder


@transaction.atomic
def cast_roll_call(*, item: AgendaItem, member: Organisation, user, choice: str) -> RollCallVote:
    """Record a member's open vote by name and append it, signed, to the item's hash-chained log."""
    if choice not in VoteChoice.values:
        raise ValidationFailed(_("Choose yes, no or abstain."), code="bad_choice", field="choice")
    item = _lock_item(item)
    if item.kind != ItemKind.MOTION:
        raise ValidationFailed(_("This item is not a roll-call vote."), code="not_a_motion")
    if item.status != ItemStatus.OPEN:
        raise Conflict(_("Voting on this item is not open."), code="voting_closed")
    via = _can_cast_for(meeting=item.meeting, member=member, user=user)
    if RollCallVote.objects.filter(item=item, member=member).exists():
        raise Conflict(_("This member has already voted on this item."), code="already_voted")
    seat = ElectorateMember.objects.get(meeting=item.meeting, member=member)
    vote = RollCallVote.objects.create(item=item, member=member, via=via, cast_by=user, choice=choice,
                                       weight=seat.weight)
    last = item.log.order_by("-seq").first()
    payload = {"meeting": item.meeting.slug, "item": item.pk, "member": member.name, "member_id": member.pk,
               "represented_by": via.name, "delegate": str(user), "choice": choice, "weight": seat.weight,
               "at": timezone.now().isoformat()}
    seq = (last.seq + 1) if last else 1
    prev = last.hash if last else "0" * 64
    digest = hashlib.sha256(canonical({"seq": seq, "prev": prev, "payload": payload})).hexdigest()
    RollCallLogEntry.objects.create(item=item, seq=seq, payload=payload, prev_hash=prev, hash=digest,
                                    signature=server_signing_key().sign(bytes.fromhex(digest)).signature.hex())
    log_action(item, "assembly.roll_call.cast", actor=user, data={"member": member.pk, "choice": choice})
    return vote


@transaction.atomic
def close_item(*, item: AgendaItem, actor) -> AgendaItem:
    """Close voting on an item. A motion gets its result; an election gets its encrypted tally. Audited."""
    item = _lock_item(item)
    if item.status != ItemStatus.OPEN:
        raise Conflict(_("This item is not open."), code="item_not_open")
    if item.kind == ItemKind.MOTION:
        totals = {c: 0 for c in VoteChoice.values}
        for v in item.roll_call.all():
            totals[v.choice] += v.weight
        electorate_weight = sum(item.meeting.electorate.values_list("weight", flat=True))
        outcome = rules.majority(rule=item.majority_rule, yes=totals["yes"], no=totals["no"],
                                 abstain=totals["abstain"], electorate_weight=electorate_weight)
        item.result = {"passed": outcome.passed, "yes": outcome.yes, "no": outcome.no, "abstain": outcome.abstain,
                       "rule": outcome.rule, "voters": item.roll_call.count(),
                       "electorate": item.meeting.electorate.count(), "electorate_weight": electorate_weight}
        item.status = ItemStatus.DONE
    elif item.kind == ItemKind.ELECTION:
        _close_election(item.election)
        item.status = ItemStatus.CLOSED
    else:
        item.status = ItemStatus.DONE
    item.save(update_fields=["status", "result", "updated_at"])
    log_action(item, "assembly.item.closed", actor=actor, data={"result": item.result})
    return item


# -------------------------------------------------------------------------- secret elections


def is_registrar(user) -> bool:
    return bool(user.is_authenticated and Registrar.objects.filter(user=user).exists())


@transaction.atomic
def appoint_registrar(*, user, actor) -> Registrar:
    """Make a person a registrar (who issues credentials); audited."""
    registrar, _created = Registrar.objects.get_or_create(user=user)
    log_action(user, "assembly.registrar.appointed", actor=actor)
    return registrar


def _validate_questions(questions: list[dict]) -> list[dict]:
    clean = []
    ids = set()
    for q in questions:
        try:
            qid, choices = str(q["id"]), [str(c) for c in q["choices"]]
            lo, hi, seats = int(q.get("min", 0)), int(q["max"]), int(q.get("seats", q["max"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationFailed(_("Each question needs an id, choices and a maximum."), code="bad_question") from exc
        if not choices or not 0 <= lo <= hi <= len(choices) or qid in ids:
            raise ValidationFailed(_("A question's choices or limits are inconsistent."), code="bad_question")
        ids.add(qid)
        clean.append({"id": qid, "title": str(q.get("title", qid)), "choices": choices, "min": lo, "max": hi,
                      "seats": seats})
    if not clean:
        raise ValidationFailed(_("An election has at least one question."), code="bad_question")
    return clean


@transaction.atomic
def create_election(*, item: AgendaItem, questions: list[dict], trustees: list, threshold: int, actor) -> Election:
    """Set up the secret ballot of an item: questions, trustees and the threshold key; audited.

    The key is a sum of one Feldman dealing per trustee made in this process; only the commitments and
    verification keys are stored, each trustee's share waits to be shown once to that trustee.
    """
    item = _lock_item(item)
    if item.kind != ItemKind.ELECTION or item.status != ItemStatus.PENDING:
        raise ValidationFailed(_("Only a pending election item can be set up."), code="not_an_election")
    if Election.objects.filter(item=item).exists():
        raise Conflict(_("This election is already set up."), code="already_set_up")
    if len({t.pk for t in trustees}) != len(trustees) or not 1 <= threshold <= len(trustees):
        raise ValidationFailed(_("Choose distinct trustees and a threshold between 1 and their number."),
                               code="bad_trustees")
    election = Election.objects.create(item=item, questions=_validate_questions(questions), threshold=threshold)
    dealing = combine_dealings([deal(threshold=threshold, trustees=len(trustees)) for _t in trustees])
    election.public_key = dealing.public_key.hex()
    election.commitments = [c.hex() for c in dealing.commitments]
    election.save(update_fields=["public_key", "commitments", "updated_at"])
    for index, user in enumerate(trustees, start=1):
        Trustee.objects.create(election=election, index=index, user=user,
                               verification_key=verification_key(dealing.commitments, index).hex(),
                               pending_share=scalar_hex(dealing.shares[index]))
    log_action(election, "assembly.election.created", actor=actor,
               data={"trustees": [t.pk for t in trustees], "threshold": threshold})
    return election


@transaction.atomic
def take_trustee_share(*, trustee: Trustee, user) -> str:
    """Hand the trustee their key share, once; it is erased from the server at the same moment. Audited."""
    trustee = Trustee.objects.select_for_update().get(pk=trustee.pk)
    if trustee.user_id != user.pk:
        raise PermissionDenied(_("This is another trustee's key."), code="not_this_trustee")
    if not trustee.pending_share:
        raise Conflict(_("The key share has already been handed over; the server no longer has it."),
                       code="share_taken")
    share, trustee.pending_share = trustee.pending_share, ""
    trustee.save(update_fields=["pending_share", "updated_at"])
    log_action(trustee.election, "assembly.trustee.share_taken", actor=user, data={"index": trustee.index})
    return share


@transaction.atomic
def publish_credentials(*, election: Election, credentials: list[tuple[str, int]], actor) -> int:
    """Publish the public credentials the registrar made (no member names). Once; before the vote. Audited."""
    if not is_registrar(actor):
        raise PermissionDenied(_("Only a registrar can publish credentials."), code="not_registrar")
    election = Election.objects.select_for_update(of=("self",)).select_related("item__meeting").get(pk=election.pk)
    if election.credentials_published_at is not None or election.status != ElectionStatus.SETUP:
        raise Conflict(_("The credentials are already published."), code="credentials_published")
    weights = sorted(election.item.meeting.electorate.values_list("weight", flat=True))
    keys = [c for c, _w in credentials]
    if sorted(int(w) for _c, w in credentials) != weights or len(set(keys)) != len(keys):
        raise ValidationFailed(_("There must be exactly one credential per seat, with the seats' weights."),
                               code="credential_count")
    for key in keys:
        try:
            from nacl.signing import VerifyKey

            VerifyKey(bytes.fromhex(key))
            if len(key) != 64:
                raise ValueError(key)
        except (ValueError, TypeError) as exc:
            raise ValidationFailed(_("A credential is not a public key."), code="bad_credential") from exc
    Credential.objects.bulk_create([Credential(election=election, public_key=c.lower(), weight=int(w))
                                    for c, w in sorted(credentials)])
    election.credentials_published_at = timezone.now()
    election.save(update_fields=["credentials_published_at", "updated_at"])
    log_action(election, "assembly.election.credentials_published", actor=actor, data={"count": len(keys)})
    return len(keys)


def _questions(election: Election) -> list[Question]:
    return [Question.from_json(q) for q in election.questions]


def cast_ballot(*, election: Election, member: Organisation, user, ballot: dict, lock: bool = True) -> str:
    """Accept an encrypted ballot for `member`; a new ballot with the same credential replaces the old.

    The proofs are checked before any lock is taken (they depend only on the election's fixed key,
    questions and published credentials); then, under the election's row lock, the state is checked
    again and the ballot stored. Participation (who) and the ballot (what) go to separate tables; the
    ballot carries no time and no member. Returns the tracker. `lock=False` exists only for the race
    tests' control case.
    """
    election = Election.objects.select_related("item__meeting").get(pk=election.pk)
    if election.status != ElectionStatus.OPEN:
        raise Conflict(_("This election is not open for voting."), code="voting_closed")
    _can_cast_for(meeting=election.item.meeting, member=member, user=user)
    credential = ballot.get("credential") if isinstance(ballot, dict) else None
    known = isinstance(credential, str) and election.credentials.filter(public_key=credential).exists()
    try:
        check_ballot(ballot, election_id=str(election.public_id), public_key=bytes.fromhex(election.public_key),
                     questions=_questions(election), credentials={credential} if known else set())
    except BallotInvalid as exc:
        raise ValidationFailed(_("The ballot was refused: %(why)s.") % {"why": exc}, code=exc.code) from exc
    return _store_ballot(election=election, member=member, ballot=ballot, lock=lock)


@transaction.atomic
def _store_ballot(*, election: Election, member: Organisation, ballot: dict, lock: bool) -> str:
    qs = Election.objects.all()
    election = (qs.select_for_update() if lock else qs).get(pk=election.pk)
    if election.status != ElectionStatus.OPEN:
        raise Conflict(_("This election is not open for voting."), code="voting_closed")
    t = tracker(ballot)
    if Ballot.objects.filter(tracker=t).exists():
        raise Conflict(_("This exact ballot has already been received."), code="replayed_ballot")
    Ballot.objects.filter(election=election, credential=ballot["credential"]).delete()
    Ballot.objects.create(election=election, credential=ballot["credential"], tracker=t, body=ballot)
    Participation.objects.get_or_create(election=election, member=member)
    return t


def _close_election(election: Election) -> None:
    from .selectors import election_record
    from .verifier.tally import encrypted_tally

    election = Election.objects.select_for_update().get(pk=election.pk)
    election.status = ElectionStatus.CLOSED
    election.encrypted_tally = encrypted_tally(election_record(election), checked=True)
    election.save(update_fields=["status", "encrypted_tally", "updated_at"])


def _partial_ok(election: Election, decryption: dict, trustee: Trustee) -> bool:
    eid = str(election.public_id)
    try:
        y = point(trustee.verification_key)
        for qi, q in enumerate(_questions(election)):
            for j in range(q.choices):
                ct_json = election.encrypted_tally[qi][j]
                ct = Ciphertext(point(ct_json["alpha"], allow_identity=True), point(ct_json["beta"], allow_identity=True))
                factor = decryption["factors"][qi][j]
                d = point(factor["d"], allow_identity=True)
                proof = (scalar_from_hex(factor["proof"][0]), scalar_from_hex(factor["proof"][1]))
                if not verify_partial(ct, d, proof, y, decryption_context(eid, q.id, j, trustee.index)):
                    return False
    except (GroupError, KeyError, IndexError, TypeError, ValueError):
        return False
    return int(decryption.get("trustee", -1)) == trustee.index


@transaction.atomic
def submit_decryption(*, trustee: Trustee, user, decryption: dict) -> Election:
    """A trustee's partial decryption of the tally (made in their browser); when `threshold` valid ones
    are in, the result is computed and published. Audited (no secret in the entry)."""
    from .selectors import election_record

    trustee = Trustee.objects.select_related("election__item").get(pk=trustee.pk)
    election = Election.objects.select_for_update(of=("self",)).select_related("item").get(pk=trustee.election_id)
    if trustee.user_id != user.pk:
        raise PermissionDenied(_("This is another trustee's key."), code="not_this_trustee")
    if election.status != ElectionStatus.CLOSED:
        raise Conflict(_("The election is not waiting for its tally."), code="not_closed")
    if not _partial_ok(election, decryption, trustee):
        raise ValidationFailed(_("The decryption proof does not verify: is it the right key share?"),
                               code="bad_decryption")
    trustee.decryption = {"trustee": trustee.index, "factors": decryption["factors"]}
    trustee.save(update_fields=["decryption", "updated_at"])
    log_action(election, "assembly.trustee.decrypted", actor=user, data={"index": trustee.index})
    done = [t.decryption for t in election.trustees.exclude(decryption=None).order_by("index")]
    if len(done) >= election.threshold:
        record = election_record(election)
        bound = sum(c["weight"] for c in record["credentials"] if c["credential"] in
                    {b["credential"] for b in record["ballots"]})
        election.result = combine_result(record=record, ciphertexts=election.encrypted_tally,
                                         decryptions=done[: election.threshold], bound=bound)
        election.status = ElectionStatus.TALLIED
        election.save(update_fields=["result", "status", "updated_at"])
        item = AgendaItem.objects.select_for_update().get(pk=election.item_id)
        item.result = {"counts": election.result, "turnout": election.participations.count(),
                       "electorate": item.meeting.electorate.count(),
                       "elected": [rules.seats_won(counts=row, seats=int(q.get("seats", q["max"]))).__dict__
                                   for row, q in zip(election.result, election.questions, strict=True)]}
        item.status = ItemStatus.DONE
        item.save(update_fields=["result", "status", "updated_at"])
        log_action(election, "assembly.election.tallied", actor=user, data={"ballots": len(record["ballots"])})
    return election


def record_json(election: Election) -> str:
    from .selectors import election_record

    return json.dumps(election_record(election), sort_keys=True, indent=1)


def get_meeting(slug: str) -> Meeting:
    meeting = Meeting.objects.filter(slug=slug).first()
    if meeting is None:
        raise NotFound()
    return meeting

