"""The assembly's JSON API (mounted at /api/v1/assembly): the public record, ballots cast by the
browser, credentials from the registrar's browser, trustees' partial decryptions, live quorum."""

from django.http import Http404
from ninja import Router, Status

from urbis.api.auth import session_auth
from urbis.api.schemas import errors
from urbis.core.errors import PermissionDenied

from . import services
from .models import Election, Meeting
from .permissions import can_view_meeting, is_voting_delegate_in, trustee_of
from .schemas import BallotIn, CountOut, CredentialsIn, DecryptionIn, MeetingStateOut, StatusOut, TrackerOut
from .selectors import election_record, meeting_state

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
