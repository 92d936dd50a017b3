"""Pages of registration: thin — parse, permit, call one service, answer."""

import csv
import io
import json

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from urbis.accounts.models import User
from urbis.core.errors import DomainError
from urbis.core.pagination import paginate
from urbis.members.enums import OrganisationKind
from urbis.members.models import Organisation
from urbis.program import permissions as program_permissions
from urbis.program.models import Edition
from urbis.program.selectors import current_edition, published_sessions

from . import documents, permissions, selectors, services, stats
from .enums import Category, Mode, SignupStatus, Status
from .forms import ContactForm, DetailsForm, ModeForm, RegistrationForm, ScanForm, SettingsForm
from .models import Certificate, DelegationContact, Registration, SessionSignup


def _edition(slug: str) -> Edition:
    return get_object_or_404(Edition, slug=slug)


def _my_registration(request, edition) -> Registration:
    registration = selectors.registration_of(user=request.user, edition=edition)
    if registration is None:
        raise Http404
    return registration


def _back(request, edition) -> HttpResponseRedirect:
    return redirect("registration:me", slug=edition.slug)


def _run(request, func, success: str, **kwargs):
    try:
        result = func(**kwargs)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return None
    messages.success(request, success)
    return result or True


@require_GET
def index(request):
    edition = current_edition()
    if edition is None:
        raise Http404
    if request.user.is_authenticated and selectors.registration_of(user=request.user, edition=edition):
        return redirect("registration:me", slug=edition.slug)
    return redirect("registration:register", slug=edition.slug)


@login_required
@require_http_methods(["GET", "POST"])
def register(request, slug):
    edition = _edition(slug)
    if selectors.registration_of(user=request.user, edition=edition):
        messages.info(request, _("You are already registered for this edition."))
        return _back(request, edition)
    reg_settings = selectors.settings_of(edition)
    form = RegistrationForm(request.POST or None, questions=reg_settings.questions,
                            initial={"time_zone": request.user.time_zone, "mode": Mode.ONLINE})
    if request.method == "POST" and form.is_valid():
        try:
            services.register(edition=edition, user=request.user, data=form.to_input(request.user.email))
        except DomainError as exc:
            if exc.field and exc.field in form.fields:
                form.add_error(exc.field, str(exc.message))
            else:
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Thank you, your registration was received."))
            return _back(request, edition)
    status = 422 if request.method == "POST" else 200
    return render(request, "registration/register.html", {"edition": edition, "form": form,
                                                          "settings": reg_settings}, status=status)


@login_required
@require_GET
def me(request, slug):
    edition = _edition(slug)
    registration = selectors.registration_of(user=request.user, edition=edition)
    if registration is None:
        return redirect("registration:register", slug=edition.slug)
    sessions = list(published_sessions(edition))
    for session in sessions:
        session.edition = edition  # the join window reads it; saves one query per session
    now = timezone.now()
    signups = {s.session_code: s for s in SessionSignup.objects.filter(registration=registration)
               .exclude(status=SignupStatus.CANCELLED)}
    join_links, limited = [], []
    if registration.status == Status.APPROVED:
        for session in sessions:
            if session.capacity and not session.is_cancelled:
                limited.append((session, signups.get(session.code)))
            if program_permissions.can_join_session(request.user, session) and session.ends_at > now:
                join_links.append((session, program_permissions.join_is_open(session, now=now)))
    certificate = Certificate.objects.filter(registration=registration).first()
    return render(request, "registration/me.html", {
        "edition": edition, "registration": registration, "join_links": join_links, "limited": limited,
        "certificate": certificate, "mode_form": ModeForm(initial={"mode": registration.mode}),
        "settings": selectors.settings_of(edition), "now": now,
        "zone": request.display_tz or edition.zone, "zone_name": request.display_tz_name or edition.time_zone,
    })


@login_required
@require_POST
def change_mode(request, slug):
    edition = _edition(slug)
    registration = _my_registration(request, edition)
    form = ModeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose on site or online."))
    else:
        try:
            result = services.change_mode(registration=registration, mode=form.cleaned_data["mode"],
                                          actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            if result.onsite_wanted:
                messages.info(request, _("All on-site seats are taken: you are on the waiting list and stay "
                                         "registered online until a seat is yours."))
            else:
                messages.success(request, _("Your attendance mode was changed."))
    return _back(request, edition)


@login_required
@require_http_methods(["GET", "POST"])
def details(request, slug):
    """The person's own details and needs (visible to them and to staff only)."""
    edition = _edition(slug)
    registration = _my_registration(request, edition)
    fields = list(DetailsForm.base_fields)
    form = DetailsForm(request.POST or None, initial={name: getattr(registration, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        if _run(request, services.update_registration, _("Your details were saved."), registration=registration,
                actor=request.user, **{name: form.cleaned_data[name] for name in fields}):
            return _back(request, edition)
    return render(request, "registration/details.html", {"edition": edition, "registration": registration,
                                                         "form": form})


@login_required
@require_POST
def cancel(request, slug):
    edition = _edition(slug)
    registration = _my_registration(request, edition)
    _run(request, services.cancel_registration, _("Your registration was cancelled."), registration=registration,
         actor=request.user)
    return _back(request, edition)


@login_required
@require_POST
def accept_offer(request, slug):
    edition = _edition(slug)
    registration = _my_registration(request, edition)
    _run(request, services.accept_offer, _("The seat is yours."), registration=registration, actor=request.user)
    return _back(request, edition)


@login_required
@require_POST
def session_signup(request, slug, code):
    edition = _edition(slug)
    registration = _my_registration(request, edition)
    session = published_sessions(edition).filter(code=code).first()
    if session is None:
        raise Http404
    if request.POST.get("action") == "cancel":
        signup = SessionSignup.objects.filter(registration=registration, session_code=code).first()
        if signup is None:
            raise Http404
        _run(request, services.cancel_signup, _("Your seat was given back."), signup=signup, session=session,
             actor=request.user)
    else:
        _run(request, services.sign_up_for_session, _("Signed up."), registration=registration, session=session,
             actor=request.user)
    return _back(request, edition)


@login_required
@require_GET
def badge(request, slug):
    edition = _edition(slug)
    registration = _my_registration(request, edition)
    if registration.status != Status.APPROVED or registration.mode != Mode.ON_SITE:
        messages.error(request, _("Badges are for approved on-site participants."))
        return _back(request, edition)
    response = HttpResponse(documents.badge_pdf([registration]), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="badge-{registration.badge_code}.pdf"'
    return response


def _verify_url(request, certificate) -> str:
    return request.build_absolute_uri(reverse("registration:verify_certificate", args=[certificate.code]))


@login_required
@require_http_methods(["GET", "POST"])
def certificate(request, slug):
    edition = _edition(slug)
    registration = _my_registration(request, edition)
    if request.method == "POST":
        _run(request, services.issue_certificate, _("Your certificate is ready."), registration=registration,
             actor=request.user)
        return _back(request, edition)
    found = Certificate.objects.select_related("registration__edition", "registration__organisation").filter(
        registration=registration).first()
    if found is None:
        raise Http404
    response = HttpResponse(documents.certificate_pdf(found, verify_url=_verify_url(request, found)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{found.code}.pdf"'
    return response


@require_GET
def verify_certificate(request, code):
    found = (Certificate.objects.select_related("registration__edition", "registration__organisation")
             .filter(code=code.strip().upper()).first())
    return render(request, "registration/verify.html", {"certificate": found, "code": code},
                  status=200 if found else 404)


@login_required
@require_GET
def export_my_data(request):
    response = JsonResponse(services.export_own_data(user=request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-registration-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_my_data(request):
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to confirm."))
        else:
            count = services.delete_own_data(user=request.user)
            messages.success(request, _("Deleted %(count)s registration(s).") % {"count": count})
            return redirect("/")
    return render(request, "registration/delete_data.html", {})


# ---------------------------------------------------------------- online attendance

@login_required
@require_GET
def join(request, code):
    edition = current_edition()
    session = published_sessions(edition).filter(code=code).first() if edition else None
    if session is None:
        raise Http404
    if not program_permissions.can_join_session(request.user, session):
        raise PermissionDenied
    if not program_permissions.join_is_open(session):
        messages.error(request, _("The join link opens shortly before the session starts."))
        return redirect("registration:me", slug=edition.slug)
    registration = selectors.registration_of(user=request.user, edition=edition)
    if registration is not None and registration.status == Status.APPROVED:
        services.record_join(registration=registration, session=session)
    return HttpResponseRedirect(session.stream.url)


@login_required
@require_POST
def heartbeat(request, code):
    edition = current_edition()
    session = published_sessions(edition).filter(code=code).first() if edition else None
    if session is None:
        return JsonResponse({"error": {"code": "not_found", "message": str(_("Not found."))}}, status=404)
    registration = selectors.registration_of(user=request.user, edition=edition)
    if registration is None or not program_permissions.can_join_session(request.user, session):
        return JsonResponse({"error": {"code": "permission_denied", "message": str(_("Not allowed."))}}, status=403)
    try:
        attendance = services.record_heartbeat(registration=registration, session=session)
    except DomainError as exc:
        return JsonResponse({"error": {"code": exc.code, "message": str(exc.message)}}, status=exc.status)
    return JsonResponse({"seconds": attendance.seconds, "attended": attendance.attended})


# ---------------------------------------------------------------- delegations

@login_required
@require_GET
def delegation(request, slug, org):
    edition = _edition(slug)
    organisation = get_object_or_404(Organisation, slug=org)
    if not permissions.can_manage_delegation(request.user, organisation):
        raise PermissionDenied
    registrations = selectors.registrations_of_edition(edition).filter(organisation=organisation,
                                                                       category=Category.DELEGATE)
    return render(request, "registration/delegation.html", {"edition": edition, "organisation": organisation,
                                                            "registrations": registrations})


@login_required
@require_POST
def delegation_cancel(request, slug, org, pk):
    edition = _edition(slug)
    registration = get_object_or_404(Registration, pk=pk, edition=edition, organisation__slug=org)
    if not permissions.can_cancel_registration(request.user, registration):
        raise PermissionDenied
    _run(request, services.cancel_registration, _("The registration was cancelled."), registration=registration,
         actor=request.user, reason="delegation")
    return redirect("registration:delegation", slug=slug, org=org)


# ---------------------------------------------------------------- staff

def _staff(request, predicate=permissions.can_manage_registrations) -> None:
    if not predicate(request.user):
        raise PermissionDenied


def _filtered(request, edition):
    qs = selectors.registrations_of_edition(edition)
    filters = {}
    for name in ("status", "mode", "category", "country"):
        value = request.GET.get(name, "").strip()
        if value:
            filters[name] = value
            qs = qs.filter(**{name: value.upper() if name == "country" else value})
    q = request.GET.get("q", "").strip()
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(last_name__icontains=q) | Q(first_name__icontains=q) | Q(email__icontains=q)
                       | Q(organisation__name__icontains=q) | Q(organisation_name__icontains=q))
        filters["q"] = q
    return qs, filters


@require_GET
def staff_index(request):
    _staff(request)
    edition = current_edition()
    if edition is None:
        raise Http404
    return redirect("registration:staff_list", slug=edition.slug)


@require_GET
def staff_list(request, slug):
    _staff(request)
    edition = _edition(slug)
    qs, filters = _filtered(request, edition)
    return render(request, "registration/staff_list.html", {
        "edition": edition, "page": paginate(request, qs), "filters": filters,
        "statuses": Status.choices, "modes": Mode.choices, "categories": Category.choices})


@require_GET
def staff_detail(request, slug, pk):
    _staff(request)
    edition = _edition(slug)
    registration = get_object_or_404(Registration.objects.select_related("organisation", "user"), pk=pk,
                                     edition=edition)
    return render(request, "registration/staff_detail.html", {
        "edition": edition, "registration": registration,
        "checkins": registration.checkins.all(), "attendances": registration.attendances.all()})


@require_POST
def staff_decide(request, slug, pk, action):
    _staff(request)
    edition = _edition(slug)
    registration = get_object_or_404(Registration, pk=pk, edition=edition)
    actions = {"approve": (services.approve_registration, _("Decision recorded.")),
               "decline": (services.decline_registration, _("Registration declined.")),
               "cancel": (services.cancel_registration, _("Registration cancelled."))}
    if action not in actions:
        raise Http404
    func, text = actions[action]
    _run(request, func, text, registration=registration, actor=request.user)
    target = request.POST.get("next", "")
    if target.startswith("/registration/staff/"):
        return HttpResponseRedirect(target)
    return redirect("registration:staff_detail", slug=slug, pk=pk)


@require_POST
def staff_erase(request, slug, pk):
    """Erase a participant's personal data for good (needs the confirmation box)."""
    _staff(request, permissions.can_erase_participant)
    edition = _edition(slug)
    registration = get_object_or_404(Registration, pk=pk, edition=edition)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm."))
        return redirect("registration:staff_detail", slug=slug, pk=pk)
    erased = services.erase_participant(registration=registration, actor=request.user)
    messages.success(request, _("Participant #%(id)s was erased.") % {"id": erased})
    return redirect("registration:staff_list", slug=slug)


SETTING_FIELDS = ["is_open", "onsite_capacity", "auto_approve", "mode_change_deadline", "offer_hours",
                  "min_online_minutes", "questions"]


@require_http_methods(["GET", "POST"])
def staff_settings(request, slug):
    """The edition's registration settings (opening, capacity, approvals, deadline, offers, questions)."""
    _staff(request, permissions.can_edit_settings)
    edition = _edition(slug)
    current = selectors.settings_of(edition)
    initial = {name: getattr(current, name) for name in SETTING_FIELDS}
    initial["questions"] = json.dumps(current.questions or [], ensure_ascii=False, indent=2)
    if current.mode_change_deadline:
        initial["mode_change_deadline"] = timezone.localtime(current.mode_change_deadline, edition.zone) \
            .replace(tzinfo=None)
    with timezone.override(edition.zone):  # the deadline is typed in the edition's zone
        form = SettingsForm(request.POST or None, initial=initial)
        valid = request.method == "POST" and form.is_valid()
    if valid:
        try:
            services.update_settings(edition=edition, actor=request.user,
                                     **{name: form.cleaned_data[name] for name in SETTING_FIELDS})
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("The registration settings were saved."))
            return redirect("registration:staff_settings", slug=slug)
    return render(request, "registration/staff_settings.html", {"edition": edition, "form": form},
                  status=422 if request.method == "POST" else 200)


@require_GET
def staff_delegations(request, slug):
    """Member governments, their delegation contacts and the size of their delegation."""
    _staff(request, permissions.can_manage_delegation_contacts)
    edition = _edition(slug)
    q = request.GET.get("q", "").strip()[:100]
    page = paginate(request, selectors.member_delegations(edition, q=q))
    return render(request, "registration/staff_delegations.html", {"edition": edition, "page": page, "q": q})


@require_http_methods(["GET", "POST"])
def staff_contacts(request, slug, org):
    """A member government's delegation contacts: name one (by account e-mail) or remove one."""
    _staff(request, permissions.can_manage_delegation_contacts)
    edition = _edition(slug)
    organisation = get_object_or_404(Organisation, slug=org, kind=OrganisationKind.MEMBER_GOVERNMENT)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is None:
            form.add_error("email", _("No account has this e-mail address; the person must sign up first."))
        else:
            try:
                services.add_delegation_contact(organisation=organisation, user=user, actor=request.user)
            except DomainError as exc:
                form.add_error("email", str(exc.message))
            else:
                messages.success(request, _("%(email)s can now manage this delegation.") % {"email": user.email})
                return redirect("registration:staff_contacts", slug=slug, org=org)
    contacts = organisation.delegation_contacts.select_related("user").order_by("user__email")
    return render(request, "registration/staff_contacts.html", {
        "edition": edition, "organisation": organisation, "contacts": contacts, "form": form},
        status=422 if request.method == "POST" else 200)


@require_POST
def staff_contact_remove(request, slug, org, pk):
    _staff(request, permissions.can_manage_delegation_contacts)
    edition = _edition(slug)
    contact = get_object_or_404(DelegationContact, pk=pk, organisation__slug=org)
    _run(request, services.remove_delegation_contact, _("The contact was removed."), contact=contact,
         actor=request.user)
    return redirect("registration:staff_contacts", slug=edition.slug, org=org)


@require_POST
def staff_remind(request, slug):
    _staff(request)
    edition = _edition(slug)
    count = services.send_reminders(edition=edition, actor=request.user)
    messages.success(request, _("Reminders are being sent to %(count)s participants.") % {"count": count})
    return redirect("registration:staff_list", slug=slug)


@require_GET
def staff_badges(request, slug):
    _staff(request)
    edition = _edition(slug)
    qs = (selectors.registrations_of_edition(edition).select_related("edition")
          .filter(status=Status.APPROVED, mode=Mode.ON_SITE))
    category = request.GET.get("category", "")
    if category:
        qs = qs.filter(category=category)
    response = HttpResponse(documents.badge_pdf(qs, sheet=request.GET.get("sheet") == "1"),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="badges-{edition.slug}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def checkin(request, slug):
    _staff(request, permissions.can_check_in)
    edition = _edition(slug)
    outcome = None
    form = ScanForm(request.POST or None, initial={"gate": request.COOKIES.get("urbis_gate", "")})
    if request.method == "POST":
        if form.is_valid():
            outcome = services.scan_badge(edition=edition, scanned=form.cleaned_data["code"],
                                          gate=form.cleaned_data["gate"], actor=request.user,
                                          session_code=form.cleaned_data["session"].strip())
        else:
            outcome = services.ScanOutcome("refused", "empty_code", str(services.REFUSALS["empty_code"]))
        gate = form.data.get("gate", "")
        form = ScanForm(initial={"gate": gate, "session": form.data.get("session", "")})
    template = "registration/_scan_result.html" if request.htmx else "registration/checkin.html"
    response = render(request, template, {"edition": edition, "form": form, "outcome": outcome})
    if request.method == "POST" and form.initial.get("gate"):
        response.set_cookie("urbis_gate", form.initial["gate"][:60], samesite="Lax", max_age=7 * 86400)
    return response


@require_GET
def dashboard(request, slug):
    _staff(request, permissions.can_view_dashboard)
    edition = _edition(slug)
    data = stats.dashboard(edition)
    chart_data = {name: table for name, table in data["tables"].items()}
    titles = {name: str(stats.TITLES[name]) for name in chart_data}
    return render(request, "registration/dashboard.html", {
        "edition": edition, "data": data, "chart_data": chart_data, "world": data["world"], "titles": titles,
        "exports": list(data["tables"]) + ["registrations", "checkins", "attendance"]})


def _registration_rows(edition):
    headers = ["id", "first_name", "last_name", "email", "status", "mode", "category", "organisation",
               "country", "city", "function", "languages", "time_zone", "accessibility_needs", "dietary_needs",
               "visa_letter", "badge_code", "created_at"]
    rows = [[r.pk, r.first_name, r.last_name, r.email, r.status, r.mode, r.category, r.organisation_label,
             r.country, r.organisation.city if r.organisation_id and r.organisation.city else r.city, r.function,
             " ".join(r.languages), r.time_zone, r.accessibility_needs, r.dietary_needs, r.visa_letter,
             r.badge_code, r.created_at.isoformat()] for r in selectors.registrations_of_edition(edition)]
    return headers, rows


def _checkin_rows(edition):
    return (["registration", "name", "day", "session", "gate", "at", "by"],
            [[c.registration_id, c.registration.full_name, c.day.isoformat(), c.session_code, c.gate,
              c.at.isoformat(), c.by.email if c.by else ""] for c in selectors.checkins_of_edition(edition)])


def _attendance_rows(edition):
    return (["registration", "name", "session", "joined_at", "last_seen_at", "seconds", "attended"],
            [[a.registration_id, a.registration.full_name, a.session_code, a.joined_at.isoformat(),
              a.last_seen_at.isoformat(), a.seconds, a.attended] for a in selectors.attendances_of_edition(edition)])


@require_GET
def staff_export(request, slug, name, fmt):
    _staff(request)
    edition = _edition(slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if name == "registrations":
        headers, rows = _registration_rows(edition)
    elif name == "checkins":
        headers, rows = _checkin_rows(edition)
    elif name == "attendance":
        headers, rows = _attendance_rows(edition)
    else:
        tables = stats.dashboard(edition)["tables"]
        if name not in tables:
            raise Http404
        headers, rows = tables[name]["headers"], tables[name]["rows"]
    filename = f"{edition.slug}-{name}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows([[_csv_safe(v) for v in row] for row in rows])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        dataset = tablib.Dataset(*[tuple(row) for row in rows], headers=headers, title=name[:31])
        response = HttpResponse(dataset.export("xlsx"),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_safe(value):
    """Spreadsheets run cells that start with = + - @ as formulas; quote them."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value

