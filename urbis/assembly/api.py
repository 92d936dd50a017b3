"""The assembly's JSON API (mounted at /api/v1/assembly): the public record, ballots cast by the
browser, credentials from the registrar's browser, trustees' partial decryptions, live quorum."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Router, Status, UploadedFile

from urbis.api.auth import api_auth, session_auth
from urbis.api.schemas import errors
from urbis.core.errors import NotFound, PermissionDenied, ValidationFailed

from . import services
from .models import AgendaAttachment, AgendaItem, Election, Meeting
from .permissions import (
    can_manage_assembly,
    can_view_ceremony,
    can_view_meeting,
    is_voting_delegate_in,
    trustee_of,
)
from .schemas import (
    NO_NUL,
    BallotIn,
    CeremonyOut,
    ConfirmationIn,
    CountOut,
    CredentialsIn,
    DealingIn,
    DecryptionIn,
    DocumentOut,
    ItemOut,
    ItemPatchIn,
    MeetingStateOut,
    MinutesIn,
    MinutesOut,
    MoveIn,
    ProxiesOut,
    ProxyIn,
    ProxyOut,
    StatusOut,
    TrackerOut,
    TrusteeKeyIn,
)
from .selectors import ceremony_state, election_record, meeting_state, visible_attachments

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


# ------------- staff: agenda items, documents, minutes (the same services as the staff pages)

PK = Path(..., ge=1, le=2**63 - 1)
TITLE_FORM = Form(..., max_length=1000, pattern=NO_NUL)
VISIBILITY_FORM = Form(..., max_length=20)


def _staff_meeting(request, slug: str) -> Meeting:
    """The meeting, for staff only (anyone else: 403 not_staff, before anything is looked up)."""
    if not can_manage_assembly(request.auth):
        raise PermissionDenied(_("Only the assembly's staff can do this."), code="not_staff")
    meeting = Meeting.objects.filter(slug=slug).first()
    if meeting is None:
        raise Http404
    return meeting


def _item_of(meeting: Meeting, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting").filter(pk=item_id, meeting=meeting).first()
    if item is None:
        raise NotFound(_("This item is not on this meeting's agenda."), code="item_not_found")
    return item


def _item_json(item: AgendaItem) -> dict:
    return {"id": item.pk, "position": item.position, "kind": item.kind, "title": item.title, "body": item.body,
            "quorum_rule": item.quorum_rule, "majority_rule": item.majority_rule, "status": item.status}


def _document_json(doc: AgendaAttachment) -> dict:
    return {"id": doc.pk, "title": doc.title, "item": doc.item_id, "visibility": doc.visibility,
            "content_type": doc.content_type, "size": doc.size,
            "url": reverse("assembly:attachment", args=[doc.meeting.slug, doc.pk])}


def _minutes_json(meeting: Meeting, *, staff: bool) -> dict:
    from .enums import MinutesStatus

    approved = meeting.minutes_status == MinutesStatus.APPROVED
    by = meeting.minutes_approved_by if approved else None
    return {"status": meeting.minutes_status, "text": meeting.minutes if approved else "",
            "approved_at": meeting.minutes_approved_at.isoformat() if approved and meeting.minutes_approved_at
            else None,
            "approved_by": (by.display_name or by.get_full_name() or None) if by else None,
            "draft": meeting.minutes if staff else None}


@router.patch("/meetings/{slug}/items/{item_id}", auth=api_auth, response={200: ItemOut, **WRITE_ERRORS})
def item_update(request, slug: str, payload: ItemPatchIn, item_id: int = PK):
    """Staff: change a pending item's title, text and rules (fields left out keep their value).
    Errors: not_staff, item_not_found, title_missing, unknown_rule, item_frozen."""
    meeting = _staff_meeting(request, slug)
    item = _item_of(meeting, item_id)
    fields = {"title": item.title, "body": item.body, "quorum_rule": item.quorum_rule,
              "majority_rule": item.majority_rule}
    fields.update(payload.dict(exclude_none=True))
    item = services.update_item(item=item, actor=request.auth, **fields)
    return _item_json(item)


@router.post("/meetings/{slug}/items/{item_id}/move", auth=api_auth, response={200: ItemOut, **WRITE_ERRORS})
def item_move(request, slug: str, payload: MoveIn, item_id: int = PK):
    """Staff: swap a pending item with its pending neighbour (`direction`: up or down).
    Errors: not_staff, item_not_found, bad_direction, at_the_end, item_frozen."""
    meeting = _staff_meeting(request, slug)
    item = services.move_item(item=_item_of(meeting, item_id), direction=payload.direction, actor=request.auth)
    return _item_json(item)


@router.delete("/meetings/{slug}/items/{item_id}", auth=api_auth, response={204: None, **WRITE_ERRORS})
def item_delete(request, slug: str, item_id: int = PK):
    """Staff: remove a pending item (and its documents). Errors: not_staff, item_not_found, item_frozen,
    election_set_up."""
    meeting = _staff_meeting(request, slug)
    services.delete_item(item=_item_of(meeting, item_id), actor=request.auth)
    return Status(204, None)


@router.post("/meetings/{slug}/items/{item_id}/run-off", auth=api_auth, response={201: ItemOut, **WRITE_ERRORS})
def item_run_off(request, slug: str, item_id: int = PK):
    """Staff: put the second round of a tallied election on the agenda right after it; answers the new item.
    Errors: not_staff, item_not_found, not_tallied, run_off_exists, no_run_off_needed, meeting_not_open."""
    meeting = _staff_meeting(request, slug)
    run_off = services.prepare_run_off(item=_item_of(meeting, item_id), actor=request.auth)
    return Status(201, _item_json(run_off))


@router.get("/meetings/{slug}/documents", response={200: list[DocumentOut], **errors(404)},
            url_name="assembly_documents")
def documents(request, slug: str):
    """The meeting's documents the caller may see: public ones to whoever sees the meeting, delegates-only
    ones to the meeting's delegates and staff; meeting-wide documents first, then by agenda position."""
    meeting = _meeting_for(request, slug)
    return [_document_json(d) for d in visible_attachments(meeting, request.user)]


@router.post("/meetings/{slug}/documents", auth=api_auth, response={201: DocumentOut, **WRITE_ERRORS})
def document_add(request, slug: str, file: File[UploadedFile],
                 title: str = TITLE_FORM, visibility: str = VISIBILITY_FORM, item: Form[int | None] = None):
    """Staff: upload a document (multipart: `file`, `title`, `visibility` public|members, optional agenda
    `item` id). Errors: not_staff, title_missing, bad_visibility, attachment_too_large, attachment_wrong_type,
    attachment_unreadable, item_not_found."""
    meeting = _staff_meeting(request, slug)
    agenda_item = None
    if item is not None:
        agenda_item = _item_of(meeting, item) if 0 < item < 2**63 else None
        if agenda_item is None:
            raise NotFound(_("This item is not on this meeting's agenda."), code="item_not_found")
    doc = services.add_attachment(meeting=meeting, title=title, upload=file, visibility=visibility,
                                  item=agenda_item, actor=request.auth)
    return Status(201, _document_json(doc))


@router.delete("/meetings/{slug}/documents/{document_id}", auth=api_auth, response={204: None, **WRITE_ERRORS})
def document_delete(request, slug: str, document_id: int = PK):
    """Staff: delete a document (its file goes once the deletion commits). Errors: not_staff, not_found."""
    meeting = _staff_meeting(request, slug)
    doc = AgendaAttachment.objects.filter(pk=document_id, meeting=meeting).first()
    if doc is None:
        raise Http404
    services.delete_attachment(attachment=doc, actor=request.auth)
    return Status(204, None)


@router.get("/meetings/{slug}/minutes", response={200: MinutesOut, **errors(404)}, url_name="assembly_minutes")
def minutes(request, slug: str):
    """The approved minutes to whoever sees the meeting (empty text until approved); staff also get the draft."""
    meeting = _meeting_for(request, slug)
    return _minutes_json(meeting, staff=can_manage_assembly(request.user))


@router.put("/meetings/{slug}/minutes", auth=api_auth, response={200: MinutesOut, **WRITE_ERRORS})
def minutes_save(request, slug: str, payload: MinutesIn):
    """Staff: save the draft minutes. Errors: not_staff, minutes_approved (reopen them first)."""
    meeting = services.save_minutes(meeting=_staff_meeting(request, slug), text=payload.text, actor=request.auth)
    return _minutes_json(meeting, staff=True)


@router.post("/meetings/{slug}/minutes/approve", auth=api_auth, response={200: MinutesOut, **WRITE_ERRORS})
def minutes_approve(request, slug: str):
    """Staff: approve the minutes of a closed meeting (they become public). Errors: not_staff,
    minutes_approved, meeting_not_closed, minutes_empty."""
    meeting = services.approve_minutes(meeting=_staff_meeting(request, slug), actor=request.auth)
    return _minutes_json(meeting, staff=True)


@router.post("/meetings/{slug}/minutes/reopen", auth=api_auth, response={200: MinutesOut, **WRITE_ERRORS})
def minutes_reopen(request, slug: str):
    """Staff: take approved minutes back to draft. Errors: not_staff, minutes_not_approved."""
    meeting = services.reopen_minutes(meeting=_staff_meeting(request, slug), actor=request.auth)
    return _minutes_json(meeting, staff=True)
