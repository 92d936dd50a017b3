"""Pages of the assembly: public meeting pages and boards, the delegate's voting pages, the registrar's
and trustees' pages, and the staff's meeting management. Thin: parse, permit, call one service, answer."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from urbis.core.errors import DomainError, ValidationFailed
from urbis.members.models import Organisation

from . import services
from .enums import ElectionStatus, ItemKind, ItemStatus
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
    election_record,
    meeting_state,
    members_user_can_cast,
    roll_call,
    seats,
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
        "is_delegate": delegate})


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
    return render(request, "assembly/item_detail.html", {"meeting": meeting, "item": item, "votes": votes,
                                                         "election": getattr(item, "election", None)})


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
    response = HttpResponse(minutes_pdf(meeting), content_type="application/pdf")
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


@require_http_methods(["GET", "POST"])
def trustee_page(request, public_id):
    """A trustee's page: take the key share once; at the tally, decrypt in the browser."""
    election = _election_any(request, public_id)
    trustee = trustee_of(request.user, election)
    if trustee is None:
        raise DjangoPermissionDenied
    share = None
    if request.method == "POST":
        try:
            share = services.take_trustee_share(trustee=trustee, user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        trustee.refresh_from_db()
    return render(request, "assembly/trustee.html", {
        "election": election, "trustee": trustee, "share": share, "election_json": _election_json(election),
        "tally_json": election.encrypted_tally, "waiting": election.status == ElectionStatus.CLOSED,
        "api_url": f"/api/v1/assembly/elections/{election.public_id}/decryptions"})


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
        **_live_context(request, meeting), "seats": seats(meeting), "items": agenda(meeting),
        "proxies": meeting.proxies.select_related("grantor", "holder"), "seat_form": SeatForm(),
        "proxy_form": ProxyForm(meeting=meeting), "item_form": ItemForm(), "election_form": ElectionForm()})


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
        elif action == "registrar":
            user = _user_by_email(data.get("email", ""))
            if user is None:
                raise ValidationFailed(_("Give the registrar's e-mail address."), code="unknown_user")
            services.appoint_registrar(user=user, actor=actor)
        else:
            raise Http404
        messages.success(request, _("Done."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("assembly:staff_meeting", args=[meeting.slug]))

