"""Registration in the JSON API (mounted at /api/v1/registration): own registrations (staff: all),
check-in for staff, online attendance. Same services as the pages."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from urbis.api.auth import session_auth
from urbis.api.pagination import PageParams, paginate
from urbis.api.schemas import errors
from urbis.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urbis.members.models import Organisation
from urbis.program import permissions as program_permissions
from urbis.program.models import Edition
from urbis.program.selectors import published_sessions

from . import permissions, selectors, services
from .enums import ScanResult
from .models import Attendance, Registration
from .schemas import (
    AttendancePage,
    ModeIn,
    RegistrationIn,
    RegistrationOut,
    RegistrationPage,
    RegistrationQuery,
    ScanIn,
    ScanOut,
)

router = Router(tags=["registration"], auth=session_auth)

SLUG = Path(..., max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")
PK = Path(..., ge=1, le=2**63 - 1)


def _edition(slug: str) -> Edition:
    edition = Edition.objects.filter(slug=slug).first()
    if edition is None:
        raise NotFound(code="unknown_edition")
    return edition


def _out(registration: Registration, user) -> dict:
    data = {"id": registration.pk, "edition": registration.edition.slug, "first_name": registration.first_name,
            "last_name": registration.last_name, "email": registration.email, "category": registration.category,
            "mode": registration.mode, "status": registration.status,
            "organisation": registration.organisation_label, "country": registration.country,
            "city": registration.city, "function": registration.function, "created_at": registration.created_at,
            "offer_expires_at": registration.offer_expires_at, "onsite_waiting": registration.onsite_wanted}
    if permissions.can_view_private_data(user, registration):
        data.update(accessibility_needs=registration.accessibility_needs, dietary_needs=registration.dietary_needs,
                    visa_letter=registration.visa_letter, badge_code=registration.badge_code)
    return data


def _registration(request, pk: int) -> Registration:
    registration = Registration.objects.select_related("edition", "organisation").filter(pk=pk).first()
    if registration is None or not permissions.can_view_registration(request.auth, registration):
        raise NotFound()
    return registration


@router.get("/registrations", response={200: RegistrationPage, **errors(401, 422)},
            summary="Registrations: your own; staff see all")
def list_registrations(request, query: Query[RegistrationQuery]):
    qs = Registration.objects.select_related("edition", "organisation").order_by("edition_id", "last_name", "id")
    if not permissions.can_manage_registrations(request.auth):
        qs = qs.filter(user=request.auth)
    if query.edition:
        qs = qs.filter(edition__slug=query.edition)
    if query.status:
        qs = qs.filter(status=query.status)
    count, rows = paginate(qs, limit=query.limit, offset=query.offset)
    return {"count": count, "items": [_out(r, request.auth) for r in rows]}


@router.get("/registrations/{pk}", response={200: RegistrationOut, **errors(401, 404)},
            summary="One registration (yours, your delegation's, or any for staff)")
def get_registration(request, pk: int = PK):
    return _out(_registration(request, pk), request.auth)


@router.post("/editions/{slug}/registrations", response={201: RegistrationOut, **errors(401, 403, 404, 409, 422)},
             summary="Register yourself for an edition")
def create_registration(request, payload: RegistrationIn, slug: str = SLUG):
    edition = _edition(slug)
    organisation_id = None
    if payload.organisation:
        organisation = Organisation.objects.filter(slug=payload.organisation).first()
        if organisation is None:
            raise ValidationFailed(_("Unknown organisation."), code="unknown_organisation", field="organisation")
        organisation_id = organisation.pk
    data = services.RegistrationInput(
        first_name=payload.first_name, last_name=payload.last_name, category=payload.category, mode=payload.mode,
        privacy_consent=payload.privacy_consent, email=request.auth.email, organisation_id=organisation_id,
        organisation_name=payload.organisation_name, function=payload.function, country=payload.country,
        city=payload.city, languages=payload.languages, time_zone=payload.time_zone,
        accessibility_needs=payload.accessibility_needs, dietary_needs=payload.dietary_needs,
        visa_letter=payload.visa_letter, answers=payload.answers)
    registration = services.register(edition=edition, user=request.auth, data=data)
    registration.refresh_from_db()
    return Status(201, _out(registration, request.auth))


@router.post("/registrations/{pk}/cancel", response={200: RegistrationOut, **errors(401, 403, 404, 409)},
             summary="Cancel a registration (yours; staff any)")
def cancel_registration(request, pk: int = PK):
    registration = _registration(request, pk)
    if not permissions.can_cancel_registration(request.auth, registration):
        raise PermissionDenied()
    return _out(services.cancel_registration(registration=registration, actor=request.auth), request.auth)


@router.post("/registrations/{pk}/mode", response={200: RegistrationOut, **errors(401, 403, 404, 409, 422)},
             summary="Switch between on site and online")
def change_mode(request, payload: ModeIn, pk: int = PK):
    registration = _registration(request, pk)
    if not permissions.can_edit_registration(request.auth, registration):
        raise PermissionDenied()
    return _out(services.change_mode(registration=registration, mode=payload.mode, actor=request.auth),
                request.auth)


@router.post("/registrations/{pk}/{action}", response={200: RegistrationOut, **errors(401, 403, 404, 409)},
             summary="Staff: approve or decline")
def decide(request, pk: int = PK, action: str = Path(..., pattern="^(approve|decline)$")):
    if not permissions.can_manage_registrations(request.auth):
        raise PermissionDenied()
    registration = _registration(request, pk)
    func = services.approve_registration if action == "approve" else services.decline_registration
    return _out(func(registration=registration, actor=request.auth), request.auth)


@router.post("/editions/{slug}/checkins", response={200: ScanOut, **errors(401, 403, 404, 409, 422)},
             summary="Staff: check a badge in (signed QR token or typed badge code)")
def check_in(request, payload: ScanIn, slug: str = SLUG):
    if not permissions.can_check_in(request.auth):
        raise PermissionDenied()
    # lean: the edition is read with the badge holder's row (one read for a repeat, one transaction more
    # for a first scan)
    outcome = services.scan_badge_in(edition_slug=slug, scanned=payload.code, gate=payload.gate,
                                     actor=request.auth, session_code=payload.session.strip())
    if outcome.result == ScanResult.REFUSED:
        raise Conflict(outcome.message, code=outcome.code, field="code")
    registration = outcome.registration
    return {"result": outcome.result, "code": outcome.code, "message": outcome.message,
            "flagged": outcome.result == ScanResult.ALREADY, "registration_id": registration.pk,
            "name": registration.full_name, "category": registration.category,
            "warnings": [str(w) for w in outcome.warnings]}


@router.get("/editions/{slug}/attendance", response={200: AttendancePage, **errors(401, 404, 422)},
            summary="Online attendance: yours; staff see everyone's")
def list_attendance(request, query: Query[PageParams], slug: str = SLUG):
    edition = _edition(slug)
    qs = Attendance.objects.filter(edition=edition).order_by("session_code", "registration_id")
    if not permissions.can_manage_registrations(request.auth):
        qs = qs.filter(registration__user=request.auth)
    count, rows = paginate(qs, limit=query.limit, offset=query.offset)
    return {"count": count, "items": [{"registration_id": a.registration_id, "session": a.session_code,
                                       "joined_at": a.joined_at, "seconds": a.seconds, "attended": a.attended}
                                      for a in rows]}


@router.post("/editions/{slug}/sessions/{code}/heartbeat", response={200: dict, **errors(401, 403, 404, 409)},
             summary="Online attendance heartbeat (while following a session)")
def heartbeat(request, slug: str = SLUG, code: str = Path(..., max_length=12)):
    edition = _edition(slug)
    session = published_sessions(edition).filter(code=code).first()
    if session is None:
        raise Http404
    registration = selectors.registration_of(user=request.auth, edition=edition)
    if registration is None or not program_permissions.can_join_session(request.auth, session):
        raise PermissionDenied()
    attendance = services.record_heartbeat(registration=registration, session=session)
    return {"seconds": attendance.seconds, "attended": attendance.attended}


