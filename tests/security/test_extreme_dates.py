"""Every date a user can send as a query parameter or form field, at the calendar's edges: a 400 (or the
page again with the error) naming the field, never a 500. Midnights of 9999-12-31 + 1 day or of year 1
in a zone east of UTC cannot be computed, so dates are held to the service's years (2000-2100)."""

from http import HTTPStatus

import pytest

from activities.timezones import DATE_OUT_OF_RANGE
from tests.factories import make_claim
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

EDGES = ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"]


@pytest.mark.parametrize("day", EDGES)
def test_api_date_parameters(day, anon_client, clinician_client, staff_client, clinician):
    make_claim(clinician)
    requests = [
        (anon_client, "/api/v1/activities/", "starts_before"),
        (anon_client, "/api/v1/activities/", "starts_after"),
        (clinician_client, "/api/v1/claims/", "created_before"),
        (clinician_client, "/api/v1/claims/", "created_after"),
        (clinician_client, "/api/v1/me/transcript/", "to"),
        (clinician_client, "/api/v1/me/transcript/", "from"),
        (clinician_client, "/api/v1/me/transcript.pdf", "to"),
    ]
    for client, url, name in requests:
        response = client.get(url, {name: day})
        assert response.status_code == HTTPStatus.BAD_REQUEST, (url, name, response.status_code)
        assert DATE_OUT_OF_RANGE in str(response.json()[name]), (url, name, response.json())
    pars = staff_client.get("/api/v1/reports/pars-activities.csv", {"from": "2026-01-01", "to": day})
    assert pars.status_code == HTTPStatus.BAD_REQUEST
    assert DATE_OUT_OF_RANGE in str(pars.json()["to"])
    annual = staff_client.post("/api/v1/reports/", {"kind": "annual", "from": day, "to": "2026-12-31"}, format="json")
    assert annual.status_code == HTTPStatus.BAD_REQUEST
    assert DATE_OUT_OF_RANGE in str(annual.json()["from"])


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_page_date_fields(day, clinician, staff):
    clinician_web, staff_web = signed_in(clinician), signed_in(staff)
    pages = [
        (signed_in(clinician), f"/activities/?starts_before={day}"),
        (clinician_web, f"/my/credits/?date_to={day}"),
        (clinician_web, f"/my/transcript.pdf?date_from={day}"),
        (staff_web, f"/staff/claims/?created_before={day}"),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
    pars = staff_web.post("/staff/reports/pars-activities.csv", {"pars-date_from": "2026-01-01", "pars-date_to": day})
    assert pars.status_code == 400
