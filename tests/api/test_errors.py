"""The shared error handlers and the error answers the OpenAPI document declares."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI, Router
from ninja.testing import TestClient

from urbis.accounts.models import User
from urbis.api.errors import install_error_handlers
from urbis.api.openapi import document_error_responses
from urbis.core.errors import Conflict, ValidationFailed


def _client() -> TestClient:
    api = NinjaAPI(urls_namespace=f"test-{uuid.uuid4().hex}")
    install_error_handlers(api)
    router = Router()

    @router.get("/conflict")
    def conflict(request):
        raise Conflict("Taken.", code="room_double_booked", field="room")

    @router.get("/invalid")
    def invalid(request):
        raise ValidationFailed("No.", field="title")

    @router.get("/missing")
    def missing(request):
        raise Http404

    @router.get("/does-not-exist")
    def does_not_exist(request):
        raise User.DoesNotExist

    @router.get("/bad-uuid")
    def bad_uuid(request):
        raise DjangoValidationError("“0” is not a valid UUID.")

    @router.get("/forbidden")
    def forbidden(request):
        raise DjangoPermissionDenied

    @router.get("/typed")
    def typed(request, n: int):
        return {"n": n}

    @router.post("/body")
    def body(request, data: dict):
        return data

    api.add_router("/", router)
    return TestClient(api)


@pytest.mark.parametrize(("path", "status", "error"), [
    ("/conflict", 409, {"code": "room_double_booked", "message": "Taken.", "field": "room"}),
    ("/invalid", 422, {"code": "validation_failed", "message": "No.", "field": "title"}),
    ("/missing", 404, {"code": "not_found", "message": "Not found.", "field": None}),
    ("/does-not-exist", 404, {"code": "not_found", "message": "Not found.", "field": None}),
    ("/bad-uuid", 422, {"code": "validation_failed", "message": "“0” is not a valid UUID.", "field": None}),
    ("/forbidden", 403, {"code": "permission_denied", "message": "You are not allowed to do this.", "field": None}),
])
def test_errors_have_one_format(path, status, error):
    response = _client().get(path)
    assert (response.status_code, response.json()) == (status, {"error": error})


def test_query_validation_error_lists_details():
    response = _client().get("/typed?n=abc")
    assert response.status_code == 422
    body = response.json()["error"]
    assert (body["code"], body["field"], [d["loc"] for d in body["details"]]) == (
        "validation_failed", None, [["query", "n"]])


def test_malformed_json_is_422():
    response = _client().post("/body", data=b"{nope", content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_failed")


def test_document_error_responses_adds_errors_without_overriding_declared_ones():
    schema = {"paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}},
                               "post": {"security": [{"sessionid": []}],
                                        "responses": {"404": {"description": "mine"}}}}}}
    out = document_error_responses(schema)
    assert sorted(out["paths"]["/a"]["get"]["responses"]) == ["200", "400", "403", "404", "409", "422"]
    assert sorted(out["paths"]["/a"]["post"]["responses"]) == ["400", "401", "403", "404", "409", "422"]
    assert out["paths"]["/a"]["post"]["responses"]["404"] == {"description": "mine"}
    assert "ApiError" in out["components"]["schemas"]


def test_error_messages_are_translated():
    from django.utils import translation

    with translation.override("fr"):
        response = _client().get("/missing")
    assert response.json()["error"] == {"code": "not_found", "message": "Introuvable.", "field": None}
