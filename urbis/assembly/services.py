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
from django.utils.translation import gettext_lazy

from urbis.accounts.enums import Role
from urbis.core.audit import log_action
from urbis.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urbis.members.enums import MembershipStatus, OrganisationKind
from urbis.members.models import Organisation
from urbis.program.models import Edition

from . import rules
from .enums import (
    CeremonyStatus,
    ElectionStatus,
    ItemKind,
    ItemStatus,
    MeetingKind,
    MeetingStatus,
    VoteChoice,
)
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
from .verifier.ceremony import (
    CeremonyError,
    check_box_key,
    check_confirmation,
    check_dealing,
    combined_commitments,
)
from .verifier.group import GroupError, point, scalar_from_hex
from .verifier.proofs import Ciphertext, verify_partial
from .verifier.record import decryption_context
from .verifier.tally import combine_result

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


def _audit_refusals(refusal: type[Exception], subject: str, action: str, describe):
    """A decorator for a keyword-only service whose first argument is `subject` (the meeting or the item):
    when it raises `refusal`, record the attempt as `action`, after the refused transaction has rolled back.
    `describe(target, kwargs)` gives the audit entry's data besides the service's name."""
    import functools

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*, actor, **kwargs):
            try:
                return func(actor=actor, **kwargs)
            except refusal:
                target = kwargs[subject]
                log_action(target, action, actor=actor, data={"service": func.__name__, **describe(target, kwargs)})
                raise

        return wrapper

    return decorate


_audit_frozen_refusals = _audit_refusals(
    ElectorateFrozen, "meeting", "assembly.electorate.edit_refused",
    lambda _meeting, kwargs: {k: getattr(v, "pk", v) for k, v in kwargs.items()
                              if k in ("member", "grantor", "holder", "weight")})


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
    """Member `grantor` gives its proxy to member `holder` (cap per holder); refused once open; audited;
    both members' delegates are e-mailed after the commit."""
    meeting = _lock_meeting(meeting)
    _refuse_if_frozen(meeting)
    seated = set(meeting.electorate.filter(member__in=[grantor, holder]).values_list("member_id", flat=True))
    if seated != {grantor.pk, holder.pk}:
        raise ValidationFailed(_("Both members must be in the electorate."), code="not_in_electorate")
    if grantor.pk == holder.pk:
        raise ValidationFailed(_("A member cannot hold its own proxy."), code="proxy_to_self")
    if Proxy.objects.filter(meeting=meeting, grantor=holder).exists():
        raise ValidationFailed(_("The holder has itself given its proxy away."), code="proxy_chain")
    if Proxy.objects.filter(meeting=meeting, holder=grantor).exists():
        raise ValidationFailed(_("A member that holds proxies cannot give its own away."), code="proxy_chain")
    held = Proxy.objects.filter(meeting=meeting, holder=holder).exclude(grantor=grantor).count()
    if held >= meeting.proxy_cap:
        raise Conflict(_("%(holder)s already holds the most proxies allowed (%(cap)s).")
                       % {"holder": holder, "cap": meeting.proxy_cap}, code="proxy_cap")
    previous = Proxy.objects.filter(meeting=meeting, grantor=grantor).values_list("holder_id", flat=True).first()
    proxy, _created = Proxy.objects.update_or_create(meeting=meeting, grantor=grantor, defaults={"holder": holder})
    log_action(meeting, "assembly.proxy.appointed", actor=actor, data={"grantor": grantor.pk, "holder": holder.pk})
    if previous != holder.pk:   # both members' delegates are told (and the previous holder's, on a change)
        if previous is not None:
            _notify_proxy(meeting=meeting, grantor=grantor, holder=Organisation(pk=previous), event="revoked")
        _notify_proxy(meeting=meeting, grantor=grantor, holder=holder, event="appointed")
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
        if election.ceremony != CeremonyStatus.READY:
            raise Conflict(_("The trustees' key ceremony is not finished: the election has no key yet."),
                           code="key_not_ready")
        if election.credentials_published_at is None:
            raise Conflict(_("The credential list is not published yet."), code="election_not_ready")
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


_RULE_PROBLEMS = {
    "unknown_rule": gettext_lazy("Question %(question)s: the counting rule is \"limited\" or \"absolute_majority\"."),
    "bad_seats": gettext_lazy("Question %(question)s: the number of seats is between 1 and the number of candidates."),
    "bad_max": gettext_lazy("Question %(question)s: a ballot must be able to mark at least one candidate."),
    "absolute_majority_needs_one": gettext_lazy(
        "Question %(question)s: an absolute-majority question has one seat and one choice per ballot."),
}


def _validate_questions(questions: list[dict]) -> list[dict]:
    """Each question's candidates, limits and counting rule (`limited` by default; see verifier/counting.py)."""
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
        rule = str(q.get("rule", rules.LIMITED))
        problem = rules.question_problem(rule=rule, choices=len(choices), max_choices=hi, seats=seats)
        if problem:
            raise ValidationFailed(_RULE_PROBLEMS[problem] % {"question": qid}, code=problem, field="questions")
        ids.add(qid)
        clean.append({"id": qid, "title": str(q.get("title", qid)), "choices": choices, "min": lo, "max": hi,
                      "seats": seats, "rule": rule})
    if not clean:
        raise ValidationFailed(_("An election has at least one question."), code="bad_question")
    return clean


@transaction.atomic
def create_election(*, item: AgendaItem, questions: list[dict], trustees: list, threshold: int, actor) -> Election:
    """Set up the secret ballot of an item: questions, trustees and the threshold; audited.

    There is no key yet: the trustees make it among themselves in the key ceremony (round 1
    `submit_trustee_key`, round 2 `submit_dealing`, round 3 `submit_confirmation`), so that the server
    never holds a key share (docs/decisions/0006).
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
    Trustee.objects.bulk_create([Trustee(election=election, index=index, user=user)
                                 for index, user in enumerate(trustees, start=1)])
    log_action(election, "assembly.election.created", actor=actor,
               data={"trustees": [t.pk for t in trustees], "threshold": threshold})
    return election


# -------------------------------------------------------------------------- the trustees' key ceremony


def _ceremony_trustee(*, election: Election, index: int, user, lock: bool = True
                      ) -> tuple[Election, Trustee, list[Trustee]]:
    """Lock the election, check the round may still change (vote not open) and that `user` is trustee `index`.
    The lock makes the last trustee of a round see every other one's part (`lock=False` only for the
    race tests' control case)."""
    qs = Election.objects.all()
    election = (qs.select_for_update() if lock else qs).get(pk=election.pk)
    trustees = list(election.trustees.order_by("index"))
    trustee = next((t for t in trustees if t.index == index), None)
    if trustee is None:
        raise NotFound(_("There is no trustee with this number."), code="no_such_trustee")
    if trustee.user_id != getattr(user, "pk", None):
        raise PermissionDenied(_("Only this trustee can act for this trustee number."), code="not_this_trustee")
    if election.status != ElectionStatus.SETUP:
        raise Conflict(_("The vote has opened: the key ceremony is over."), code="ceremony_closed")
    return election, trustee, trustees


def _expect_round(election: Election, wanted: str) -> None:
    if election.ceremony != wanted:
        raise Conflict(_("The key ceremony is not at this step (it is at: %(step)s).")
                       % {"step": election.get_ceremony_display()}, code="wrong_round")


def _invalid(exc: CeremonyError) -> ValidationFailed:
    return ValidationFailed(_("Refused: %(why)s.") % {"why": exc}, code=exc.code)


@transaction.atomic
def submit_trustee_key(*, election: Election, index: int, user, box_public_key: str) -> Election:
    """Round 1: trustee `index` registers the public half of the box key pair made in their browser. Audited."""
    election, trustee, trustees = _ceremony_trustee(election=election, index=index, user=user)
    _expect_round(election, CeremonyStatus.KEYS)
    if trustee.box_public_key:
        raise Conflict(_("Your key is already registered."), code="already_submitted")
    try:
        key = check_box_key(box_public_key)
    except CeremonyError as exc:
        raise _invalid(exc) from exc
    if any(t.box_public_key == key for t in trustees):
        raise ValidationFailed(_("Refused: another trustee registered this same key."), code="duplicate_box_key")
    trustee.box_public_key = key
    trustee.save(update_fields=["box_public_key", "updated_at"])
    if all(t.box_public_key for t in trustees if t.pk != trustee.pk):
        election.ceremony = CeremonyStatus.DEALINGS
        election.save(update_fields=["ceremony", "updated_at"])
    log_action(election, "assembly.ceremony.key", actor=user, data={"index": index})
    return election


@transaction.atomic
def submit_dealing(*, election: Election, index: int, user, dealing: dict) -> Election:
    """Round 2: trustee `index`'s dealing (commitments, proof of knowledge, n sealed shares). Audited (no secret)."""
    election, trustee, trustees = _ceremony_trustee(election=election, index=index, user=user)
    _expect_round(election, CeremonyStatus.DEALINGS)
    if trustee.dealing:
        raise Conflict(_("Your dealing is already in."), code="already_submitted")
    try:
        check_dealing(dealing, election_id=str(election.public_id), dealer=index, threshold=election.threshold,
                      trustees=len(trustees))
    except CeremonyError as exc:
        raise _invalid(exc) from exc
    trustee.dealing = {"commitments": [c.lower() for c in dealing["commitments"]],
                       "proof": [p.lower() for p in dealing["proof"]],
                       "shares": [s.lower() for s in dealing["shares"]]}
    trustee.save(update_fields=["dealing", "updated_at"])
    if all(t.dealing for t in trustees if t.pk != trustee.pk):
        election.ceremony = CeremonyStatus.CONFIRMATIONS
        election.save(update_fields=["ceremony", "updated_at"])
    log_action(election, "assembly.ceremony.dealing", actor=user, data={"index": index})
    return election


def _combined(election: Election, trustees: list[Trustee]) -> list[bytes]:
    return combined_commitments([[point(c) for c in t.dealing["commitments"]] for t in trustees])


@transaction.atomic
def submit_confirmation(*, election: Election, index: int, user, verification_key: str, proof: list,
                        lock: bool = True) -> Election:
    """Round 3: trustee `index` found every share valid and proves knowledge of x_j for Y_j, which must equal
    `verification_key(Σ commitments, j)`. When all have confirmed, the election key is ready. Audited."""
    election, trustee, trustees = _ceremony_trustee(election=election, index=index, user=user, lock=lock)
    _expect_round(election, CeremonyStatus.CONFIRMATIONS)
    if trustee.verification_key:
        raise Conflict(_("Your confirmation is already in."), code="already_submitted")
    combined = _combined(election, trustees)
    try:
        y = check_confirmation(verification_key_hex=verification_key, proof=proof,
                               election_id=str(election.public_id), index=index, commitments=combined)
    except CeremonyError as exc:
        raise _invalid(exc) from exc
    trustee.verification_key = y.hex()
    trustee.key_proof = [p.lower() for p in proof]
    trustee.save(update_fields=["verification_key", "key_proof", "updated_at"])
    log_action(election, "assembly.ceremony.confirmed", actor=user, data={"index": index})
    if all(t.verification_key for t in trustees if t.pk != trustee.pk):
        election.commitments = [c.hex() for c in combined]
        election.public_key = combined[0].hex()
        election.ceremony = CeremonyStatus.READY
        election.save(update_fields=["commitments", "public_key", "ceremony", "updated_at"])
        log_action(election, "assembly.ceremony.ready", actor=user, data={"public_key": election.public_key})
    return election


@transaction.atomic
def submit_complaint(*, election: Election, index: int, user, dealers: list[int]) -> Election:
    """Round 3: trustee `index` reports that the shares from `dealers` failed their check: the ceremony fails
    and staff must restart it. Audited."""
    election, trustee, trustees = _ceremony_trustee(election=election, index=index, user=user)
    _expect_round(election, CeremonyStatus.CONFIRMATIONS)
    if trustee.verification_key:
        raise Conflict(_("Your confirmation is already in."), code="already_submitted")
    n = len(trustees)
    if (not isinstance(dealers, list) or not dealers
            or not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= n for d in dealers)):
        raise ValidationFailed(_("Name the trustees (1 to %(n)s) whose share failed.") % {"n": n},
                               code="bad_complaint")
    dealers = sorted(set(dealers))
    trustee.complaint = dealers
    trustee.save(update_fields=["complaint", "updated_at"])
    election.ceremony = CeremonyStatus.FAILED
    election.ceremony_failure = {"trustee": index, "dealers": dealers}
    election.save(update_fields=["ceremony", "ceremony_failure", "updated_at"])
    log_action(election, "assembly.ceremony.complaint", actor=user, data={"index": index, "dealers": dealers})
    return election


def _reset_ceremony(election: Election) -> None:
    election.trustees.update(box_public_key="", dealing=None, verification_key="", key_proof=None, complaint=None)
    election.public_key, election.commitments = "", []
    election.ceremony, election.ceremony_failure = CeremonyStatus.KEYS, {}
    election.save(update_fields=["public_key", "commitments", "ceremony", "ceremony_failure", "updated_at"])


def _lock_setup_election(election: Election) -> Election:
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.status != ElectionStatus.SETUP:
        raise Conflict(_("The vote has opened: the key ceremony can no longer change."), code="ceremony_closed")
    return election


@transaction.atomic
def restart_ceremony(*, election: Election, actor) -> Election:
    """Staff clear every round of the key ceremony (before the vote opens); audited."""
    election = _lock_setup_election(election)
    previous = {"ceremony": election.ceremony, "failure": election.ceremony_failure}
    _reset_ceremony(election)
    log_action(election, "assembly.ceremony.restarted", actor=actor, data=previous)
    return election


@transaction.atomic
def replace_trustee(*, election: Election, index: int, user, actor) -> Election:
    """Staff give trustee number `index` to another person (before the vote opens); the ceremony restarts,
    since every dealing had a share for the old trustee. Audited."""
    election = _lock_setup_election(election)
    trustee = election.trustees.filter(index=index).first()
    if trustee is None:
        raise NotFound(_("There is no trustee with this number."), code="no_such_trustee")
    if election.trustees.filter(user=user).exclude(pk=trustee.pk).exists():
        raise ValidationFailed(_("This person is already a trustee of this election."), code="bad_trustees")
    before = trustee.user_id
    trustee.user = user
    trustee.save(update_fields=["user", "updated_at"])
    _reset_ceremony(election)
    log_action(election, "assembly.ceremony.trustee_replaced", actor=actor,
               data={"index": index, "before": before, "after": user.pk})
    return election


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
        item.result = rules.result_summary(
            questions=election.questions, counts=election.result, ballots=len(record["ballots"]), ballots_weight=bound,
            voters=election.participations.count(), electorate=item.meeting.electorate.count(),
            electorate_weight=sum(item.meeting.electorate.values_list("weight", flat=True)))
        item.status = ItemStatus.DONE
        item.save(update_fields=["result", "status", "updated_at"])
        log_action(election, "assembly.election.tallied", actor=user, data={"ballots": len(record["ballots"])})
    return election


# -------------------------------------------------------------------------- second rounds


def name_list(names: list[str]) -> str:
    """"A", "A and B", "A, B and C" in the active language."""
    if len(names) <= 1:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _run_off_body(item: AgendaItem, questions: list[dict]) -> str:
    lines = [_("Second round of “%(title)s” (agenda item %(position)s).")
             % {"title": item.title, "position": item.position}]
    for q in questions:
        names = name_list(q["choices"])
        if q["rule"] == rules.ABSOLUTE_MAJORITY:
            lines.append(_("%(question)s: no candidate obtained an absolute majority of the valid votes; "
                           "candidates of the second round: %(names)s.") % {"question": q["title"], "names": names})
        else:
            lines.append(_("%(question)s: candidates tied for the last seats; %(seats)s seat(s) to fill between "
                           "%(names)s.") % {"question": q["title"], "seats": q["seats"], "names": names})
    return "\n".join(lines)


@transaction.atomic
def prepare_run_off(*, item: AgendaItem, actor, lock: bool = True) -> AgendaItem:
    """Put the second round of a tallied election on the agenda right after it: a pending election item
    whose questions (same rule, only the run-off candidates, the seats still to fill) are stored with the
    first round's result (`result.run_off`) and pre-fill its set-up form. Once per item, under the meeting's
    and the item's row locks; audited. `lock=False` exists only for the race tests' control case."""
    if lock:
        meeting, item = _lock_meeting(item.meeting), _lock_item(item)
    else:
        item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
        meeting = item.meeting
    if item.kind != ItemKind.ELECTION or item.status != ItemStatus.DONE or not item.result.get("questions"):
        raise Conflict(_("Only a tallied election can have a second round."), code="not_tallied")
    if item.result.get("run_off"):
        raise Conflict(_("The second round of this election is already on the agenda."), code="run_off_exists")
    questions = rules.run_off_questions(item.result)
    if not questions:
        raise Conflict(_("This result needs no second round."), code="no_run_off_needed")
    if meeting.status != MeetingStatus.OPEN:
        raise Conflict(_("The meeting is not in session."), code="meeting_not_open")
    # make room, last item first: (meeting, position) is unique and checked row by row
    for later in meeting.items.filter(position__gt=item.position).order_by("-position").only("pk", "position"):
        AgendaItem.objects.filter(pk=later.pk).update(position=later.position + 1)
    run_off = AgendaItem.objects.create(
        meeting=meeting, position=item.position + 1, kind=ItemKind.ELECTION,
        title=(_("Second round: %(title)s") % {"title": item.title})[:200], body=_run_off_body(item, questions),
        quorum_rule=item.quorum_rule, majority_rule=item.majority_rule)
    item.result = {**item.result, "run_off": {"item": run_off.pk, "questions": questions}}
    item.save(update_fields=["result", "updated_at"])
    log_action(item, "assembly.item.run_off_prepared", actor=actor,
               data={"run_off_item": run_off.pk, "questions": [q["id"] for q in questions]})
    return run_off


def record_json(election: Election) -> str:
    from .selectors import election_record

    return json.dumps(election_record(election), sort_keys=True, indent=1)


def get_meeting(slug: str) -> Meeting:
    meeting = Meeting.objects.filter(slug=slug).first()
    if meeting is None:
        raise NotFound()
    return meeting



# ------------- member self-service, agenda, attachments, minutes

from .enums import AttachmentVisibility, MinutesStatus  # noqa: E402 - this section's own imports
from .models import AgendaAttachment  # noqa: E402


def _seat_people(meeting: Meeting, member: Organisation) -> list:
    """The delegate and substitute of a member's seat (those with an e-mail address)."""
    seat = meeting.electorate.select_related("delegate", "substitute").filter(member=member).first()
    return [u for u in (seat.delegate, seat.substitute) if u is not None and u.email] if seat else []


def _mail_proxy_notice(*, meeting_id: int, grantor_id: int, holder_id: int, event: str) -> None:
    """E-mail the delegates of both members about a proxy appointed or revoked (each in their own language)."""
    from django.core.mail import send_mail
    from django.utils import translation

    meeting = Meeting.objects.get(pk=meeting_id)
    grantor, holder = Organisation.objects.get(pk=grantor_id), Organisation.objects.get(pk=holder_id)
    names = {"meeting": meeting.title, "grantor": grantor.name, "holder": holder.name, "cap": meeting.proxy_cap}
    for side, org in (("grantor", grantor), ("holder", holder)):
        for person in _seat_people(meeting, org):
            with translation.override(person.language or settings.LANGUAGE_CODE):
                if event == "appointed":
                    subject = _("%(meeting)s: %(grantor)s is represented by %(holder)s") % names
                    body = (_("%(grantor)s has given its proxy for %(meeting)s to %(holder)s. If %(grantor)s's "
                              "delegate is absent, the delegate of %(holder)s votes for it.") % names)
                    if side == "holder":
                        body += "\n\n" + _("A member may hold at most %(cap)s proxies in this meeting.") % names
                else:
                    subject = _("%(meeting)s: proxy of %(grantor)s to %(holder)s revoked") % names
                    body = _("%(grantor)s no longer gives its proxy for %(meeting)s to %(holder)s.") % names
                send_mail(subject, body, None, [person.email])


def _notify_proxy(*, meeting: Meeting, grantor: Organisation, holder: Organisation, event: str) -> None:
    transaction.on_commit(lambda: _mail_proxy_notice(meeting_id=meeting.pk, grantor_id=grantor.pk,
                                                     holder_id=holder.pk, event=event))


def _refuse_unless_delegate_of(*, meeting: Meeting, member: Organisation, actor) -> None:
    from .permissions import can_act_for_member

    if not can_act_for_member(actor, meeting, member):
        raise PermissionDenied(_("Only the voting delegate or substitute of %(member)s can do this.")
                               % {"member": member}, code="not_member_delegate")


@_audit_frozen_refusals
@transaction.atomic
def appoint_member_proxy(*, meeting: Meeting, grantor: Organisation, holder: Organisation, actor) -> Proxy:
    """A member's own delegate gives (or moves) its proxy: `appoint_proxy` (its rules under the meeting lock,
    its e-mails), audited with the delegate as actor."""
    meeting = _lock_meeting(meeting)
    _refuse_if_frozen(meeting)
    _refuse_unless_delegate_of(meeting=meeting, member=grantor, actor=actor)
    return appoint_proxy(meeting=meeting, grantor=grantor, holder=holder, actor=actor)


@_audit_frozen_refusals
@transaction.atomic
def revoke_proxy(*, meeting: Meeting, grantor: Organisation, actor) -> None:
    """Withdraw member `grantor`'s proxy; refused once the meeting has opened; audited; both sides e-mailed."""
    meeting = _lock_meeting(meeting)
    _refuse_if_frozen(meeting)
    proxy = Proxy.objects.filter(meeting=meeting, grantor=grantor).select_related("holder").first()
    if proxy is None:
        raise NotFound(_("%(member)s has not given its proxy.") % {"member": grantor}, code="no_proxy")
    holder = proxy.holder
    proxy.delete()
    log_action(meeting, "assembly.proxy.revoked", actor=actor, data={"grantor": grantor.pk, "holder": holder.pk})
    _notify_proxy(meeting=meeting, grantor=grantor, holder=holder, event="revoked")


@_audit_frozen_refusals
@transaction.atomic
def revoke_member_proxy(*, meeting: Meeting, grantor: Organisation, actor) -> None:
    """A member's own delegate withdraws its proxy (see `revoke_proxy`)."""
    meeting = _lock_meeting(meeting)
    _refuse_if_frozen(meeting)
    _refuse_unless_delegate_of(meeting=meeting, member=grantor, actor=actor)
    revoke_proxy(meeting=meeting, grantor=grantor, actor=actor)


class ItemFrozen(Conflict):
    code = "item_frozen"


_audit_item_refusals = _audit_refusals(  # an attempt to change an item already opened
    ItemFrozen, "item", "assembly.item.edit_refused",
    lambda item, _kwargs: {"status": AgendaItem.objects.get(pk=item.pk).status})


def _lock_pending_item(item: AgendaItem) -> tuple[Meeting, AgendaItem]:
    """Lock the meeting (agenda order) then the item; refuse unless the item is still pending."""
    meeting = _lock_meeting(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if meeting.status == MeetingStatus.CLOSED:
        raise ItemFrozen(_("The meeting is closed: its agenda can no longer change."))
    if item.status != ItemStatus.PENDING:
        raise ItemFrozen(_("“%(item)s” has already been opened: it can no longer be changed.") % {"item": item})
    return meeting, item


@_audit_item_refusals
@transaction.atomic
def update_item(*, item: AgendaItem, title: str, body: str, quorum_rule: str, majority_rule: str,
                actor) -> AgendaItem:
    """Change a pending item's title, text and rules; refused (and the refusal audited) once opened; audited."""
    if not title.strip():
        raise ValidationFailed(_("An item needs a title."), code="title_missing", field="title")
    try:
        rules.QuorumRule(quorum_rule)
        rules.MajorityRule(majority_rule)
    except ValueError as exc:
        raise ValidationFailed(_("Unknown quorum or majority rule."), code="unknown_rule") from exc
    _meeting, item = _lock_pending_item(item)
    before = {"title": item.title, "body": item.body, "quorum_rule": item.quorum_rule,
              "majority_rule": item.majority_rule}
    item.title, item.body, item.quorum_rule, item.majority_rule = title.strip(), body, quorum_rule, majority_rule
    item.save(update_fields=["title", "body", "quorum_rule", "majority_rule", "updated_at"])
    after = {"title": item.title, "body": item.body, "quorum_rule": quorum_rule, "majority_rule": majority_rule}
    log_action(item, "assembly.item.updated", actor=actor,
               data={"changed": sorted(k for k in after if after[k] != before[k])})
    return item


def _renumber(meeting: Meeting) -> None:
    """Positions 1..n in the current order, one row at a time upwards so that no two rows ever share one."""
    for position, item in enumerate(meeting.items.order_by("position", "id"), start=1):
        if item.position != position:
            AgendaItem.objects.filter(pk=item.pk).update(position=position)


@_audit_item_refusals
@transaction.atomic
def delete_item(*, item: AgendaItem, actor) -> None:
    """Remove a pending item (and its attachments) from the agenda; positions close up; audited."""
    meeting, item = _lock_pending_item(item)
    if Election.objects.filter(item=item).exists():
        raise Conflict(_("This election is already set up with its trustees: it cannot be deleted."),
                       code="election_set_up")
    files = [a.file.name for a in item.attachments.all()]
    log_action(meeting, "assembly.item.deleted", actor=actor,
               data={"item": item.pk, "title": item.title, "position": item.position, "attachments": len(files)})
    item.delete()
    _renumber(meeting)
    _delete_files_on_commit(files)


@_audit_item_refusals
@transaction.atomic
def move_item(*, item: AgendaItem, direction: str, actor) -> AgendaItem:
    """Swap a pending item with its pending neighbour above or below, under the meeting lock; audited."""
    if direction not in ("up", "down"):
        raise ValidationFailed(_("Move an item up or down."), code="bad_direction", field="direction")
    meeting, item = _lock_pending_item(item)
    _renumber(meeting)
    item.refresh_from_db(fields=["position"])
    order = list(meeting.items.order_by("position"))
    index = next(i for i, row in enumerate(order) if row.pk == item.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(order):
        raise ValidationFailed(_("This item is already first on the agenda.") if direction == "up"
                               else _("This item is already last on the agenda."), code="at_the_end")
    other = order[other_index]
    if other.status != ItemStatus.PENDING:
        raise ItemFrozen(_("“%(item)s” has already been opened: items cannot move past it.") % {"item": other})
    mine, theirs = item.position, other.position
    AgendaItem.objects.filter(pk=item.pk).update(position=0)   # free the slot: (meeting, position) is unique
    AgendaItem.objects.filter(pk=other.pk).update(position=mine)
    AgendaItem.objects.filter(pk=item.pk).update(position=theirs)
    log_action(item, "assembly.item.moved", actor=actor, data={"from": mine, "to": theirs})
    item.refresh_from_db()
    return item


# attachments

ATTACHMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/png": "png",
    "image/jpeg": "jpg",
}


def sniff_document(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, PNG or JPEG (the awards' sniffer) or an ODT/DOCX/XLSX (the
    parts inside its ZIP), judged from the bytes only; None for anything else."""
    import io
    import zipfile

    from urbis.awards.services import sniff_type

    sniffed = sniff_type(data[:16])
    if sniffed is not None:
        return sniffed if sniffed[0] in ATTACHMENT_TYPES else None
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                if archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                    return "application/vnd.oasis.opendocument.text", "odt"
                return None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None
    return None


def attachment_max_bytes() -> int:
    return int(getattr(settings, "URBIS_ASSEMBLY_ATTACHMENT_MAX_MB", 20)) * 1024 * 1024


def _strip_image_metadata(data: bytes, ext: str) -> bytes:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        clean = Image.frombytes(image.mode, image.size, image.tobytes())  # pixels only: no EXIF, no text chunks
        out = io.BytesIO()
        clean.save(out, format={"jpg": "JPEG", "png": "PNG"}[ext])
    return out.getvalue()


def _delete_files_on_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


@transaction.atomic
def add_attachment(*, meeting: Meeting, title: str, upload, visibility: str, item: AgendaItem | None = None,
                   actor) -> AgendaAttachment:
    """Store a document of the meeting or of one item (type sniffed from the bytes, size capped by
    URBIS_ASSEMBLY_ATTACHMENT_MAX_MB, image metadata removed); audited."""
    from django.core.files.base import ContentFile
    from django.utils.text import slugify

    if not title.strip():
        raise ValidationFailed(_("Give the document a title."), code="title_missing", field="title")
    if visibility not in AttachmentVisibility.values:
        raise ValidationFailed(_("Choose who may see the document."), code="bad_visibility", field="visibility")
    if upload is None:
        raise ValidationFailed(_("Choose a file."), code="file_missing", field="file")
    limit = attachment_max_bytes()
    if upload.size > limit:
        raise ValidationFailed(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
                               code="attachment_too_large", field="file")
    meeting = _lock_meeting(meeting)
    if item is not None and item.meeting_id != meeting.pk:
        raise NotFound(_("This item is not on this meeting's agenda."), code="item_not_found")
    data = upload.read()
    sniffed = sniff_document(data)
    if sniffed is None:
        raise ValidationFailed(_("Only PDF, ODT, DOCX, XLSX, PNG and JPEG files are accepted."),
                               code="attachment_wrong_type", field="file")
    content_type, ext = sniffed
    if content_type.startswith("image/"):
        try:
            data = _strip_image_metadata(data, ext)
        except Exception as exc:  # a corrupt image is bad input, not a server error
            raise ValidationFailed(_("The image could not be read."), code="attachment_unreadable",
                                   field="file") from exc
    attachment = AgendaAttachment(meeting=meeting, item=item, title=title.strip()[:200], content_type=content_type,
                                  size=len(data), visibility=visibility)
    stem = slugify(title.replace("–", "-").replace("—", "-"))[:60] or "document"
    attachment.file.save(f"{stem}.{ext}", ContentFile(data), save=False)
    attachment.save()
    log_action(meeting, "assembly.attachment.added", actor=actor,
               data={"attachment": attachment.pk, "item": getattr(item, "pk", None), "title": attachment.title,
                     "type": content_type, "size": len(data), "visibility": visibility})
    return attachment


@transaction.atomic
def delete_attachment(*, attachment, actor) -> None:
    """Remove a document (its file goes when the transaction commits); audited."""
    attachment = AgendaAttachment.objects.select_for_update().select_related("meeting").get(pk=attachment.pk)
    name = attachment.file.name
    log_action(attachment.meeting, "assembly.attachment.deleted", actor=actor,
               data={"attachment": attachment.pk, "item": attachment.item_id, "title": attachment.title})
    attachment.delete()
    _delete_files_on_commit([name])


# minutes


class MinutesApproved(Conflict):
    code = "minutes_approved"


@transaction.atomic
def save_minutes(*, meeting: Meeting, text: str, actor) -> Meeting:
    """Save the draft minutes; refused once approved (reopen them first); audited."""
    meeting = _lock_meeting(meeting)
    if meeting.minutes_status == MinutesStatus.APPROVED:
        raise MinutesApproved(_("The minutes are approved: reopen them to change them."))
    text = text.replace("\r\n", "\n").strip()
    changed = text != meeting.minutes
    meeting.minutes = text
    meeting.save(update_fields=["minutes", "updated_at"])
    log_action(meeting, "assembly.minutes.saved", actor=actor, data={"length": len(text), "changed": changed})
    return meeting


@transaction.atomic
def approve_minutes(*, meeting: Meeting, actor) -> Meeting:
    """Approve the minutes of a closed meeting: they become public, with who approved them and when; audited."""
    meeting = _lock_meeting(meeting)
    if meeting.minutes_status == MinutesStatus.APPROVED:
        raise MinutesApproved(_("The minutes are already approved."))
    if meeting.status != MeetingStatus.CLOSED:
        raise Conflict(_("Minutes are approved once the meeting is closed."), code="meeting_not_closed")
    if not meeting.minutes.strip():
        raise ValidationFailed(_("Write the minutes before approving them."), code="minutes_empty", field="text")
    meeting.minutes_status, meeting.minutes_approved_at = MinutesStatus.APPROVED, timezone.now()
    meeting.minutes_approved_by = actor
    meeting.save(update_fields=["minutes_status", "minutes_approved_at", "minutes_approved_by", "updated_at"])
    log_action(meeting, "assembly.minutes.approved", actor=actor,
               data={"sha256": hashlib.sha256(meeting.minutes.encode()).hexdigest()})
    return meeting


@transaction.atomic
def reopen_minutes(*, meeting: Meeting, actor) -> Meeting:
    """Take approved minutes back to draft (to correct them); they stop being public; audited."""
    meeting = _lock_meeting(meeting)
    if meeting.minutes_status != MinutesStatus.APPROVED:
        raise Conflict(_("The minutes are not approved."), code="minutes_not_approved")
    meeting.minutes_status, meeting.minutes_approved_at, meeting.minutes_approved_by = MinutesStatus.DRAFT, None, None
    meeting.save(update_fields=["minutes_status", "minutes_approved_at", "minutes_approved_by", "updated_at"])
    log_action(meeting, "assembly.minutes.reopened", actor=actor)
    return meeting
