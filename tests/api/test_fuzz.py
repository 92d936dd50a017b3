"""Schemathesis fuzzes every operation of the API on a small published edition: whatever it sends,
the answer is never a 5xx, and its status, content type and body are the ones the OpenAPI document
declares. Two passes: anonymous callers with made-up identifiers, and a staff session (with its CSRF
token) aimed at the objects that exist, so the writes reach the services."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.builders import published_edition
from tests.factories import OrganisationFactory, StaffFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ = settings(max_examples=8, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture
def in_process_wsgi(db):
    """Like Django's test client: the WSGI handler must not close the test's database connection
    at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_edition(db):
    edition, built = published_edition(size=1, slug="fuzz")
    OrganisationFactory(slug="barcelona")
    return edition, built


@pytest.fixture
def staff_session(db):
    client = Client()
    client.force_login(StaffFactory())
    token = _get_new_csrf_string()
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    return {"cookies": cookies, "headers": {"X-CSRFToken": token}}


# Loaded when the module is collected: reading the OpenAPI document needs no database. The anonymous
# pass also runs schemathesis' coverage phase (boundary and invalid values of every parameter); the
# staff pass fuzzes only, to stay within the time budget.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
staff_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}))

KNOWN = {"slug": "fuzz", "code": "GEN000"}


@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_api_fuzz_anonymous(case, in_process_wsgi, fuzz_edition):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
@staff_schema.parametrize()
@FUZZ
def test_api_fuzz_staff_on_existing_objects(case, in_process_wsgi, fuzz_edition, staff_session):
    for name, value in KNOWN.items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    if case.path_parameters and case.operation.path.startswith("/api/v1/members/"):
        case.path_parameters["slug"] = "barcelona"
    case.call_and_validate(checks=CHECKS, cookies=staff_session["cookies"], headers=staff_session["headers"])
