"""Schemathesis against /api/schema/, as each role: no 5xx, every response matches the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cme.wsgi import application
from tests.conftest import client_for
from tests.factories import accreditation_user, make_claim, staff_user

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app would close the connection that holds the test's transaction, as Django's client avoids."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(clinician):
    make_claim(clinician)
    headers = {}
    for role, user in {"clinician": clinician, "staff": staff_user(), "accreditation": accreditation_user()}.items():
        headers[role] = {"Authorization": client_for(user)._credentials["HTTP_AUTHORIZATION"]}
    headers["anonymous"] = {}
    return headers


@pytest.mark.parametrize("role", ["anonymous", "clinician", "staff", "accreditation"])
@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, role, tokens):
    case.call_and_validate(headers={**tokens[role], "Host": "localhost"}, checks=CHECKS)
