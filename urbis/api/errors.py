"""The API's one error format: {"error": {"code": "...", "message": "...", "field": ...}}."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from urbis.core.errors import DomainError


def error_body(code: str, message: str, field: str | None = None, details=None) -> dict:
    body = {"code": code, "message": message, "field": field}
    if details is not None:
        body["details"] = details
    return {"error": body}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, error_body(exc.code, str(exc.message), exc.field), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        details = [{"loc": [str(p) for p in e.get("loc", [])], "msg": e.get("msg", "")} for e in exc.errors]
        return api.create_response(request, error_body("validation_failed", _("The request is not valid."), None, details),
                                   status=422)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request, exc):
        # `Model.objects.get(...)` on an id nobody has: the same answer as an explicit 404.
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request, exc: DjangoValidationError):
        # A value the database layer cannot use (e.g. "0" for a UUID primary key) is bad input, not a crash.
        return api.create_response(request, error_body("validation_failed", " ".join(exc.messages)), status=422)

    @api.exception_handler(DjangoPermissionDenied)
    def django_permission_denied(request, exc):
        return api.create_response(request, error_body("permission_denied", _("You are not allowed to do this.")),
                                   status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, error_body("unauthenticated", _("Log in first.")), status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            # A body that is not JSON is a malformed payload like any other.
            return api.create_response(
                request, error_body("validation_failed", _("The request body is not valid JSON."), "body"), status=422)
        return api.create_response(request, error_body(getattr(exc, "code", None) or "http_error", str(exc)),
                                   status=exc.status_code)
