"""The API's one error format: {"error": {"code": "...", "message": "...", "field": ...}}."""

from django.http import Http404
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
        return api.create_response(request, error_body("validation_failed", "The request is not valid.", None, details),
                                   status=422)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("not_found", "Not found."), status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, error_body("unauthenticated", "Log in first."), status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            # A body that is not JSON is a malformed payload like any other.
            return api.create_response(
                request, error_body("validation_failed", "The request body is not valid JSON.", "body"), status=422)
        return api.create_response(request, error_body(getattr(exc, "code", None) or "http_error", str(exc)),
                                   status=exc.status_code)
