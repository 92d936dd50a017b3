"""Pages of the assembly: public meeting pages and boards, the delegate's voting pages, the registrar's
and trustees' pages, and the staff's meeting management. Thin: parse, permit, call one service, answer."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from urbis.core.errors import DomainError, ValidationFailed
from urbis.members.models import Organisation

from . import services
from .enums import ElectionStatus, ItemKind, ItemStatus, MeetingStatus, MinutesStatus
from .forms import ElectionForm, ItemForm, MeetingForm, ProxyForm, SeatForm
from .models import AgendaItem, Ballot, Election, Meeting
from .permissions import (
    can_manage_assembly,
    can_view_meeting,
    is_registrar,
    is_voting_delegate_in,
    trustee_of,
)
from .selectors import (
    agenda,
    ceremony_state,
    election_record,
    meeting_state,
    members_user_can_cast,
    own_seats,
    proxy_rows,
    roll_call,
    seats,
    visible_attachments,
    visible_meetings,
)


def _meeting(request, slug: str) -> Meeting:
    meeting = Meeting.objects.select_related("edition").filter(slug=slug).first()
    if meeting is None or not can_view_meeting(request.user, meeting):
        raise Http404
    return meeting


def _election(request, public_id) -> Election:
    election = Election.objects.select_related("item__meeting").filter(public_id=public_id).first()
    if election is None or not can_view_meeting(request.user, election.item.meeting):
        raise Http404
    return election


# ------------------------------------------------------------------------------ public pages


@require_GET
def meeting_list(request):
    return render(request, "assembly/meeting_list.html", {"meetings": visible_meetings()})


def _live_context(request, meeting: Meeting) -> dict:
    state = meeting_state(meeting)
    return {"meeting": meeting, "state": state, "quorum": state.quorum("majority")}


@require_GET
def meeting_detail(request, slug: str):
    meeting = _meeting(request, slug)
    delegate = is_voting_delegate_in(request.user, meeting)
    if delegate:
        services.record_heartbeat(meeting=meeting, user=request.user)
    items = list(agenda(meeting))
    castable = members_user_can_cast(meeting, request.user) if delegate else []
    for item in items:
        item.cast_rows = []
        if item.kind == ItemKind.MOTION and item.status == ItemStatus.OPEN and castable:
            voted = set(item.roll_call.values_list("member_id", flat=True))
            item.cast_rows = [(seat, via, seat.member_id in voted) for seat, via in castable]
    return render(request, "assembly/meeting_detail.html", {
        **_live_context(request, meeting), "items": items, "castable": castable,
        "is_delegate": delegate, **_documents_context(request, meeting, items)})


@require_GET
def meeting_live(request, slug: str):
    """The live presence and quorum panel (HTMX polls it; a delegate's poll is their online presence)."""
    meeting = _meeting(request, slug)
    if is_voting_delegate_in(request.user, meeting):
        services.record_heartbeat(meeting=meeting, user=request.user)
    return render(request, "assembly/_live.html", _live_context(request, meeting))


@require_POST
def roll_call_vote(request, slug: str, item_id: int):
    meeting = _meeting(request, slug)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    raw = request.POST.get("member", "")
    member = Organisation.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    try:
        if member is None:
            raise ValidationFailed(_("Choose the member you vote for."), code="no_member")
        services.cast_roll_call(item=item, member=member, user=request.user, choice=request.POST.get("choice", ""))
        messages.success(request, _("Vote recorded for %(member)s.") % {"member": member})
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("assembly:meeting", args=[meeting.slug]))


@require_GET
def item_detail(request, slug: str, item_id: int):
    meeting = _meeting(request, slug)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=item_id, meeting=meeting)
    votes = roll_call(item) if item.kind == ItemKind.MOTION else []
    docs = [a for a in visible_attachments(meeting, request.user) if a.item_id == item.pk]
    return render(request, "assembly/item_detail.html", {"meeting": meeting, "item": item, "votes": votes,
                                                         "election": getattr(item, "election", None),
                                                         "attachments": docs})


@require_GET
def item_log(request, slug: str, item_id: int):
    """The roll call's hash-chained, server-signed public log, with the server's public key."""
    meeting = _meeting(request, slug)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    entries = [{"seq": e.seq, "prev": e.prev_hash, "hash": e.hash, "signature": e.signature, "payload": e.payload}
               for e in item.log.order_by("seq")]
    return JsonResponse({"server_key": services.server_signing_key().verify_key.encode().hex(), "entries": entries})


@require_GET
def minutes(request, slug: str):
    """The minutes of the meeting as a PDF (public once the meeting has opened)."""
    from django.http import HttpResponse

    from .documents import minutes_pdf

    meeting = _meeting(request, slug)
    # the documents listed are those this reader may see (delegates-only titles stay with the delegates)
    response = HttpResponse(minutes_pdf(meeting, documents=visible_attachments(meeting, request.user)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.slug}.pdf"'
    return response


@require_GET
def board(request, public_id):
    """The election's public bulletin board: credentials, ballots by tracker, tally, result."""
    election = _election(request, public_id)
    wanted = request.GET.get("tracker", "").strip().lower()
    found = Ballot.objects.filter(election=election, tracker=wanted).exists() if wanted else None
    record = election_record(election)
    results = []
    if election.result:
        for q, row in zip(election.questions, election.result, strict=True):
            results.append({"question": q, "rows": sorted(zip(q["choices"], row, strict=True), key=lambda r: -r[1])})
    return render(request, "assembly/board.html", {
        "election": election, "item": election.item, "meeting": election.item.meeting, "record": record,
        "trackers": [_tracker(b) for b in record["ballots"]], "wanted": wanted, "found": found,
        "results": results})


def _tracker(ballot: dict) -> str:
    from .verifier.ballots import tracker

    return tracker(ballot)


@require_GET
def record_download(request, public_id):
    election = _election(request, public_id)
    response = JsonResponse(election_record(election), json_dumps_params={"sort_keys": True, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="election-{election.public_id}.json"'
    return response


def _election_json(election: Election) -> dict:
    return {"id": str(election.public_id), "public_key": election.public_key,
            "questions": [{k: q[k] for k in ("id", "title", "choices", "min", "max")} for q in election.questions]}


@require_GET
def vote_page(request, public_id):
    """The delegate's secret ballot: the browser encrypts it with the credential code; the server sees no choice."""
    election = _election(request, public_id)
    meeting = election.item.meeting
    if not is_voting_delegate_in(request.user, meeting):
        raise DjangoPermissionDenied
    services.record_heartbeat(meeting=meeting, user=request.user)
    return render(request, "assembly/vote.html", {
        "election": election, "meeting": meeting, "election_json": _election_json(election),
        "castable": members_user_can_cast(meeting, request.user),
        "api_url": f"/api/v1/assembly/elections/{election.public_id}/ballots"})


@require_GET
def registrar_page(request, public_id):
    """The registrar's page: the browser makes one code per seat and sends only the public keys."""
    election = _election_any(request, public_id)
    if not is_registrar(request.user):
        raise DjangoPermissionDenied
    return render(request, "assembly/registrar.html", {
        "election": election, "seats": seats(election.item.meeting), "election_json": _election_json(election),
        "published": election.credentials_published_at is not None,
        "api_url": f"/api/v1/assembly/elections/{election.public_id}/credentials"})


def _election_any(request, public_id) -> Election:
    election = Election.objects.select_related("item__meeting").filter(public_id=public_id).first()
    if election is None:
        raise Http404
    return election


@require_GET
def trustee_page(request, public_id):
    """A trustee's page: the three rounds of the key ceremony, then the tally, all in the trustee's browser
    (static/assembly/trustee.js); the server only ever receives public keys, dealings and proofs."""
    election = _election_any(request, public_id)
    trustee = trustee_of(request.user, election)
    if trustee is None:
        raise DjangoPermissionDenied
    base = f"/api/v1/assembly/elections/{election.public_id}"
    state = ceremony_state(election)
    acted = {"keys": trustee.box_public_key, "dealings": trustee.dealing,
             "confirmations": trustee.verification_key or trustee.complaint}.get(election.ceremony, True)
    page = {
        "election": str(election.public_id), "index": trustee.index, "threshold": election.threshold,
        "election_data": _election_json(election), "ceremony_status": election.ceremony,
        "election_status": election.status,
        # look for the next round while this trustee has nothing to do (not after the result)
        "poll": bool(acted) and election.status != ElectionStatus.TALLIED
                and not (election.status == ElectionStatus.CLOSED and not trustee.decryption),
        "urls": {"ceremony": f"{base}/ceremony", "key": f"{base}/trustees/{trustee.index}/key",
                 "dealing": f"{base}/trustees/{trustee.index}/dealing",
                 "confirmation": f"{base}/trustees/{trustee.index}/confirmation",
                 "decryption": f"{base}/decryptions"},
        "text": {"notKeyFile": _("This is not a trustee key file."),
                 "otherKeyFile": _("This key file belongs to another election or another trustee."),
                 "notYourKey": _("This is not your key file: it does not give your verification key."),
                 "refused": _("Refused."), "keySent": _("Your key is registered."),
                 "dealingSent": _("Your dealing is in."), "confirmed": _("Your pieces are valid: confirmed."),
                 "complained": _("A piece was wrong: your complaint is in and the ceremony has stopped."),
                 "decrypted": _("Your partial decryption is in.")},
    }
    return render(request, "assembly/trustee.html", {
        "election": election, "trustee": trustee, "ceremony": state, "page_json": page})


# ------------------------------------------------------------------------------ staff pages


def _staff(request) -> None:
    if not can_manage_assembly(request.user):
        raise DjangoPermissionDenied


@require_http_methods(["GET", "POST"])
def staff_meetings(request):
    _staff(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(
                edition=form.cleaned_data["edition"], kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"], slug=slugify(form.cleaned_data["title"])[:70] or "meeting",
                proxy_cap=form.cleaned_data["proxy_cap"], actor=request.user)
            return HttpResponseRedirect(reverse("assembly:staff_meeting", args=[meeting.slug]))
        except DomainError as exc:
            messages.error(request, exc.message)
    meetings = Meeting.objects.select_related("edition").order_by("-created_at")
    return render(request, "assembly/staff_meetings.html", {"meetings": meetings, "form": form})


@require_GET
def staff_meeting(request, slug: str):
    _staff(request)
    meeting = get_object_or_404(Meeting.objects.select_related("edition"), slug=slug)
    return render(request, "assembly/staff_meeting.html", {
        **_live_context(request, meeting), "seats": seats(meeting),
        "items": agenda(meeting).prefetch_related("election__trustees__user"),
        "proxies": meeting.proxies.select_related("grantor", "holder"), "seat_form": SeatForm(),
        "proxy_form": ProxyForm(meeting=meeting), "item_form": ItemForm(), "election_form": ElectionForm(),
        **_staff_documents_context(meeting)})


def _int(value) -> int:
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def _user_by_email(email: str):
    if not email:
        return None
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationFailed(_("No account with the e-mail address %(email)s.") % {"email": email},
                               code="unknown_user")
    return user


@require_POST
def staff_action(request, slug: str, action: str):
    _staff(request)
    meeting = get_object_or_404(Meeting, slug=slug)
    data, actor = request.POST, request.user
    try:
        if action == "build":
            n = services.build_electorate(meeting=meeting, actor=actor)
            messages.success(request, _("%(n)s members seated.") % {"n": n})
        elif action == "seat":
            form = SeatForm(data)
            if not form.is_valid():
                raise ValidationFailed(_("Check the seat's fields."), code="bad_form")
            services.set_seat(meeting=meeting, member=form.cleaned_data["member"],
                              delegate=_user_by_email(form.cleaned_data["delegate"]),
                              substitute=_user_by_email(form.cleaned_data["substitute"]),
                              weight=form.cleaned_data["weight"], actor=actor)
        elif action == "proxy":
            form = ProxyForm(data, meeting=meeting)
            if not form.is_valid():
                raise ValidationFailed(_("Choose two members of the electorate."), code="bad_form")
            services.appoint_proxy(meeting=meeting, grantor=form.cleaned_data["grantor"],
                                   holder=form.cleaned_data["holder"], actor=actor)
        elif action == "open":
            services.open_meeting(meeting=meeting, actor=actor)
        elif action == "close":
            services.close_meeting(meeting=meeting, actor=actor)
        elif action == "item":
            form = ItemForm(data)
            if not form.is_valid():
                raise ValidationFailed(_("Check the item's fields."), code="bad_form")
            services.add_item(meeting=meeting, actor=actor, **form.cleaned_data)
        elif action in ("open_item", "close_item"):
            item = get_object_or_404(AgendaItem, pk=_int(data.get("item")), meeting=meeting)
            (services.open_item if action == "open_item" else services.close_item)(item=item, actor=actor)
        elif action == "election":
            form = ElectionForm(data)
            if not form.is_valid():
                raise ValidationFailed(_("Check the election's fields: %(errors)s") % {"errors": form.errors.as_text()},
                                       code="bad_form")
            item = get_object_or_404(AgendaItem, pk=_int(data.get("item")), meeting=meeting)
            trustees = [_user_by_email(e) for e in form.cleaned_data["trustees"]]
            services.create_election(item=item, questions=form.cleaned_data["questions"], trustees=trustees,
                                     threshold=form.cleaned_data["threshold"], actor=actor)
        elif action in ("restart_ceremony", "replace_trustee"):
            election = get_object_or_404(Election, pk=_int(data.get("election")), item__meeting=meeting)
            if action == "restart_ceremony":
                services.restart_ceremony(election=election, actor=actor)
            else:
                user = _user_by_email(data.get("email", ""))
                if user is None:
                    raise ValidationFailed(_("Give the new trustee's e-mail address."), code="unknown_user")
                services.replace_trustee(election=election, index=_int(data.get("index")), user=user, actor=actor)
        elif action == "registrar":
            user = _user_by_email(data.get("email", ""))
            if user is None:
                raise ValidationFailed(_("Give the registrar's e-mail address."), code="unknown_user")
            services.appoint_registrar(user=user, actor=actor)
        elif action == "run_off":
            item = get_object_or_404(AgendaItem, pk=_int(data.get("item")), meeting=meeting)
            run_off = services.prepare_run_off(item=item, actor=actor)
            messages.success(request, _("The second round is on the agenda: set up its election below."))
            return HttpResponseRedirect(reverse("assembly:item", args=[meeting.slug, run_off.pk]))
        else:
            raise Http404
        messages.success(request, _("Done."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("assembly:staff_meeting", args=[meeting.slug]))



# ------------------------------------------------------------------------------ member self-service, agenda,
# attachments, minutes


def _documents_context(request, meeting: Meeting, items: list) -> dict:
    """Proxies (and the person's own seats), documents by item, and the approved minutes of the meeting page."""
    from .documents import minutes_blocks
    from .forms import MemberProxyForm

    rows = proxy_rows(meeting)
    docs = visible_attachments(meeting, request.user)
    for item in items:
        item.docs = [a for a in docs if a.item_id == item.pk]
    approved = meeting.minutes_status == MinutesStatus.APPROVED
    return {"proxy_rows": rows, "own_seats": own_seats(meeting, request.user, rows),
            "proxy_open": meeting.status == MeetingStatus.DRAFT, "member_proxy_form": MemberProxyForm(meeting=meeting),
            "meeting_docs": [a for a in docs if a.item_id is None],
            "minutes_blocks": minutes_blocks(meeting.minutes) if approved else [], "minutes_approved": approved}


def _staff_documents_context(meeting: Meeting) -> dict:
    from .forms import AttachmentForm, GrantorForm
    from .models import AgendaAttachment

    return {"attachments": AgendaAttachment.objects.filter(meeting=meeting).select_related("item")
            .order_by("item__position", "title"),
            "attachment_form": AttachmentForm(meeting=meeting), "revoke_form": GrantorForm(meeting=meeting),
            "max_mb": services.attachment_max_bytes() // (1024 * 1024)}


@require_POST
def member_proxy(request, slug: str):
    """A member's delegate appoints, changes or revokes the member's proxy (before the meeting opens)."""
    from .forms import GrantorForm, MemberProxyForm

    meeting = _meeting(request, slug)
    if not is_voting_delegate_in(request.user, meeting):
        raise DjangoPermissionDenied
    try:
        if request.POST.get("action") == "revoke":
            form = GrantorForm(request.POST, meeting=meeting)
            if not form.is_valid():
                raise ValidationFailed(_("Choose your member."), code="bad_form")
            services.revoke_member_proxy(meeting=meeting, grantor=form.cleaned_data["grantor"], actor=request.user)
            messages.success(request, _("The proxy of %(member)s is revoked.") % {"member": form.cleaned_data["grantor"]})
        else:
            form = MemberProxyForm(request.POST, meeting=meeting)
            if not form.is_valid():
                raise ValidationFailed(_("Choose a member of the electorate to represent yours."), code="bad_form")
            services.appoint_member_proxy(meeting=meeting, grantor=form.cleaned_data["grantor"],
                                          holder=form.cleaned_data["holder"], actor=request.user)
            messages.success(request, _("%(grantor)s is now represented by %(holder)s.") % {
                "grantor": form.cleaned_data["grantor"], "holder": form.cleaned_data["holder"]})
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("assembly:meeting", args=[meeting.slug]) + "#proxies")


@require_GET
def attachment_download(request, slug: str, pk: int):
    """A meeting document: public ones for anyone who can see the meeting, the others for its delegates and staff."""
    from django.http import FileResponse

    from .models import AgendaAttachment
    from .permissions import can_see_attachment

    meeting = _meeting(request, slug)
    attachment = get_object_or_404(AgendaAttachment.objects.select_related("meeting"), pk=pk, meeting=meeting)
    if not can_see_attachment(request.user, attachment):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        raise DjangoPermissionDenied
    ext = attachment.file.name.rsplit(".", 1)[-1]
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            as_attachment=not attachment.content_type.startswith(("application/pdf", "image/")),
                            filename=f"{slugify(attachment.title)[:60] or 'document'}.{ext}")
    if attachment.visibility != "public":
        response["Cache-Control"] = "private, no-store"
    return response


def _staff_meeting_or_404(request, slug: str) -> Meeting:
    _staff(request)
    return get_object_or_404(Meeting.objects.select_related("edition"), slug=slug)


@require_POST
def staff_proxy_revoke(request, slug: str):
    from .forms import GrantorForm

    meeting = _staff_meeting_or_404(request, slug)
    form = GrantorForm(request.POST, meeting=meeting)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Choose a member of the electorate."), code="bad_form")
        services.revoke_proxy(meeting=meeting, grantor=form.cleaned_data["grantor"], actor=request.user)
        messages.success(request, _("The proxy of %(member)s is revoked.") % {"member": form.cleaned_data["grantor"]})
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("assembly:staff_meeting", args=[meeting.slug]))


@require_http_methods(["GET", "POST"])
def staff_item_edit(request, slug: str, item_id: int):
    """Edit a pending agenda item's title, text and rules."""
    from .forms import ItemEditForm

    meeting = _staff_meeting_or_404(request, slug)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    form = ItemEditForm(request.POST or None, initial={"title": item.title, "body": item.body,
                                                       "quorum_rule": item.quorum_rule,
                                                       "majority_rule": item.majority_rule})
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ValidationFailed(_("Check the item's fields."), code="bad_form")
            services.update_item(item=item, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The item is saved."))
            return HttpResponseRedirect(reverse("assembly:staff_meeting", args=[meeting.slug]))
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "assembly/staff_item_edit.html", {"meeting": meeting, "item": item, "form": form},
                  status=200 if request.method == "GET" or form.is_valid() else 422)


@require_POST
def staff_item_action(request, slug: str, item_id: int, action: str):
    """Delete a pending item, or move it up or down the agenda."""
    meeting = _staff_meeting_or_404(request, slug)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    try:
        if action == "delete":
            services.delete_item(item=item, actor=request.user)
            messages.success(request, _("“%(item)s” is removed from the agenda.") % {"item": item})
        elif action in ("up", "down"):
            services.move_item(item=item, direction=action, actor=request.user)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("assembly:staff_meeting", args=[meeting.slug]) + "#staff-agenda")


@require_POST
def staff_attachment_add(request, slug: str):
    from .forms import AttachmentForm

    meeting = _staff_meeting_or_404(request, slug)
    form = AttachmentForm(request.POST, request.FILES, meeting=meeting)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Give a title and choose a file: %(errors)s") % {"errors": form.errors.as_text()},
                                   code="bad_form")
        services.add_attachment(meeting=meeting, item=form.cleaned_data["item"], title=form.cleaned_data["title"],
                                upload=form.cleaned_data["file"], visibility=form.cleaned_data["visibility"],
                                actor=request.user)
        messages.success(request, _("The document is attached."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("assembly:staff_meeting", args=[meeting.slug]) + "#attachments")


@require_POST
def staff_attachment_delete(request, slug: str, pk: int):
    from .models import AgendaAttachment

    meeting = _staff_meeting_or_404(request, slug)
    attachment = get_object_or_404(AgendaAttachment, pk=pk, meeting=meeting)
    services.delete_attachment(attachment=attachment, actor=request.user)
    messages.success(request, _("The document “%(title)s” is deleted.") % {"title": attachment.title})
    return HttpResponseRedirect(reverse("assembly:staff_meeting", args=[meeting.slug]) + "#attachments")


@require_http_methods(["GET", "POST"])
def staff_minutes(request, slug: str):
    """Write the minutes (draft), approve them (they become public) or reopen them."""
    from .documents import minutes_blocks
    from .forms import MinutesForm

    meeting = _staff_meeting_or_404(request, slug)
    form = MinutesForm(request.POST or None, initial={"text": meeting.minutes})
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "reopen":
                services.reopen_minutes(meeting=meeting, actor=request.user)
                messages.success(request, _("The minutes are a draft again."))
            else:
                if not form.is_valid():
                    raise ValidationFailed(_("Check the minutes."), code="bad_form")
                with transaction.atomic():   # approving saves the text first; a refusal keeps neither
                    services.save_minutes(meeting=meeting, text=form.cleaned_data["text"], actor=request.user)
                    if action == "approve":
                        services.approve_minutes(meeting=meeting, actor=request.user)
                if action == "approve":
                    messages.success(request, _("The minutes are approved and public."))
                else:
                    messages.success(request, _("The draft minutes are saved."))
            return HttpResponseRedirect(reverse("assembly:staff_minutes", args=[meeting.slug]))
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "assembly/staff_minutes.html", {
        "meeting": meeting, "form": form, "blocks": minutes_blocks(meeting.minutes)})
