"""The assembly's JSON API (mounted at /api/v1/assembly): the public record, ballots cast by the
browser, credentials from the registrar's browser, trustees' partial decryptions, live quorum."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status

from urbis.api.auth import session_auth
from urbis.api.schemas import errors
from urbis.core.errors import PermissionDenied, ValidationFailed

from . import services
from .models import Election, Meeting
from .permissions import can_view_ceremony, can_view_meeting, is_voting_delegate_in, trustee_of
from .schemas import (
    BallotIn,
    CeremonyOut,
    ConfirmationIn,
    CountOut,
    CredentialsIn,
    DealingIn,
    DecryptionIn,
    MeetingStateOut,
    ProxiesOut,
    ProxyIn,
    ProxyOut,
    StatusOut,
    TrackerOut,
    TrusteeKeyIn,
)
from .selectors import ceremony_state, election_record, meeting_state

router = Router(tags=["assembly"])
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _election(public_id: str) -> Election:
    election = Election.objects.select_related("item__meeting").filter(public_id=public_id).first()
    if election is None or election.item.meeting.status == "draft":
        raise Http404
    return election


@router.get("/elections/{public_id}/record", response={200: dict, **errors(404)}, url_name="assembly_record")
def record(request, public_id: str):
    """The election's public record (bulletin board): anyone can download and verify it."""
    return election_record(_election(public_id))


@router.post("/elections/{public_id}/ballots", auth=session_auth, response={201: TrackerOut, **WRITE_ERRORS})
def cast(request, public_id: str, payload: BallotIn):
    """Cast (or replace) a member's encrypted ballot; answers its tracker."""
    election = _election(public_id)
    seat = election.item.meeting.electorate.filter(member_id=payload.member).select_related("member").first()
    if seat is None:
        raise PermissionDenied(code="not_in_electorate")
    tracker = services.cast_ballot(election=election, member=seat.member, user=request.auth, ballot=payload.ballot)
    return Status(201, {"tracker": tracker})


@router.post("/elections/{public_id}/credentials", auth=session_auth, response={201: CountOut, **WRITE_ERRORS})
def credentials(request, public_id: str, payload: CredentialsIn):
    """The registrar publishes the public credentials (made in the registrar's browser)."""
    election = Election.objects.filter(public_id=public_id).first()
    if election is None:
        raise Http404
    count = services.publish_credentials(election=election, actor=request.auth,
                                         credentials=[(c.credential, c.weight) for c in payload.credentials])
    return Status(201, {"count": count})


@router.post("/elections/{public_id}/decryptions", auth=session_auth, response={201: StatusOut, **WRITE_ERRORS})
def decryption(request, public_id: str, payload: DecryptionIn):
    """A trustee's partial decryption of the tally, made in the trustee's browser."""
    election = _election(public_id)
    trustee = trustee_of(request.auth, election)
    if trustee is None:
        raise PermissionDenied(code="not_a_trustee")
    election = services.submit_decryption(trustee=trustee, user=request.auth, decryption=payload.decryption)
    return Status(201, {"status": election.status})


def _ceremony_election(request, public_id: str) -> Election:
    election = Election.objects.select_related("item__meeting").filter(public_id=public_id).first()
    if election is None or not can_view_ceremony(request.user, election):
        raise Http404
    return election


def _ceremony_out(election: Election) -> dict:
    return {"ceremony": election.ceremony, "failure": election.ceremony_failure, "public_key": election.public_key}


@router.get("/elections/{public_id}/ceremony", response={200: dict, **errors(404)}, url_name="assembly_ceremony")
def ceremony(request, public_id: str):
    """The trustees' key ceremony so far (all public: box keys, dealings with sealed shares, verification
    keys, complaints; the encrypted tally once closed) — what the trustee page and the offline tool read."""
    return ceremony_state(_ceremony_election(request, public_id))


@router.post("/elections/{public_id}/trustees/{index}/key", auth=session_auth,
             response={201: CeremonyOut, **WRITE_ERRORS})
def trustee_key(request, public_id: str, index: int, payload: TrusteeKeyIn):
    """Round 1: trustee `index` registers the public box key made in their browser (only that trustee)."""
    election = services.submit_trustee_key(election=_ceremony_election(request, public_id), index=index,
                                           user=request.auth, box_public_key=payload.box_public_key)
    return Status(201, _ceremony_out(election))


@router.post("/elections/{public_id}/trustees/{index}/dealing", auth=session_auth,
             response={201: CeremonyOut, **WRITE_ERRORS})
def trustee_dealing(request, public_id: str, index: int, payload: DealingIn):
    """Round 2: trustee `index`'s dealing: commitments, proof of knowledge, one sealed share per trustee."""
    election = services.submit_dealing(election=_ceremony_election(request, public_id), index=index,
                                       user=request.auth, dealing=payload.dealing)
    return Status(201, _ceremony_out(election))


@router.post("/elections/{public_id}/trustees/{index}/confirmation", auth=session_auth,
             response={201: CeremonyOut, **WRITE_ERRORS})
def trustee_confirmation(request, public_id: str, index: int, payload: ConfirmationIn):
    """Round 3: trustee `index` confirms (verification key and proof) or complains about some dealers."""
    election = _ceremony_election(request, public_id)
    if payload.complaint is not None:
        election = services.submit_complaint(election=election, index=index, user=request.auth,
                                             dealers=payload.complaint)
    elif payload.verification_key is not None and payload.proof is not None:
        election = services.submit_confirmation(election=election, index=index, user=request.auth,
                                                verification_key=payload.verification_key, proof=payload.proof)
    else:
        raise ValidationFailed(_("Send either a verification key with its proof or a complaint."),
                               code="bad_confirmation")
    return Status(201, _ceremony_out(election))


@router.get("/meetings/{slug}/state", response={200: MeetingStateOut, **errors(404)})
def state(request, slug: str):
    """Live presence and quorum (majority of members) of a meeting; a delegate's call counts as presence."""
    meeting = Meeting.objects.filter(slug=slug).first()
    if meeting is None or not can_view_meeting(request.user, meeting):
        raise Http404
    if is_voting_delegate_in(request.user, meeting):
        services.record_heartbeat(meeting=meeting, user=request.user)
    s = meeting_state(meeting)
    q = s.quorum("majority")
    return {"status": meeting.status, "present": len(s.present), "represented": len(s.representation.by),
            "seats": len(s.seats), "quorum": q.__dict__}


# ------------- member self-service: proxies


def _meeting_for(request, slug: str) -> Meeting:
    meeting = Meeting.objects.filter(slug=slug).first()
    if meeting is None or not can_view_meeting(request.user, meeting):
        raise Http404
    return meeting


def _seated(meeting: Meeting, member_id: int, field: str):
    seat = meeting.electorate.filter(member_id=member_id).select_related("member").first()
    if seat is None:
        raise ValidationFailed(_("This member is not in the electorate."), code="not_in_electorate", field=field)
    return seat.member


def _row_json(row) -> dict:
    return {"grantor": {"id": row.grantor.pk, "name": row.grantor.name},
            "holder": {"id": row.holder.pk, "name": row.holder.name},
            "holder_delegate": str(row.holder_delegate) if row.holder_delegate else None}


def _proxies_json(meeting: Meeting) -> dict:
    from .selectors import proxy_rows

    return {"cap": meeting.proxy_cap, "frozen": meeting.status != "draft",
            "proxies": [_row_json(r) for r in proxy_rows(meeting)]}


@router.get("/meetings/{slug}/proxies", response={200: ProxiesOut, **errors(404)}, url_name="assembly_proxies")
def proxies(request, slug: str):
    """Every proxy of the meeting: member X represented by member Z (its delegate Y), and the cap per holder."""
    return _proxies_json(_meeting_for(request, slug))


@router.post("/meetings/{slug}/proxies", auth=session_auth, response={201: ProxyOut, **WRITE_ERRORS})
def appoint(request, slug: str, payload: ProxyIn):
    """Appoint (or change) member `grantor`'s proxy holder: by its voting delegate or substitute, or by staff.
    Errors: not_member_delegate, not_in_electorate, proxy_to_self, proxy_chain, proxy_cap, electorate_frozen."""
    from .permissions import can_manage_assembly
    from .selectors import proxy_rows

    meeting = _meeting_for(request, slug)
    grantor, holder = _seated(meeting, payload.grantor, "grantor"), _seated(meeting, payload.holder, "holder")
    if can_manage_assembly(request.auth):
        services.appoint_proxy(meeting=meeting, grantor=grantor, holder=holder, actor=request.auth)
    else:
        services.appoint_member_proxy(meeting=meeting, grantor=grantor, holder=holder, actor=request.auth)
    row = next(r for r in proxy_rows(meeting) if r.grantor.pk == grantor.pk)
    return Status(201, _row_json(row))


@router.delete("/meetings/{slug}/proxies", auth=session_auth, response={204: None, **WRITE_ERRORS})
def revoke(request, slug: str, grantor: int):
    """Revoke member `grantor`'s proxy (query parameter `grantor`). Errors: not_member_delegate, no_proxy,
    not_in_electorate, electorate_frozen."""
    from .permissions import can_manage_assembly

    meeting = _meeting_for(request, slug)
    member = _seated(meeting, grantor, "grantor")
    if can_manage_assembly(request.auth):
        services.revoke_proxy(meeting=meeting, grantor=member, actor=request.auth)
    else:
        services.revoke_member_proxy(meeting=meeting, grantor=member, actor=request.auth)
    return Status(204, None)
