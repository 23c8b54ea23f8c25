"""Dates staff type (deadlines, availability windows, disclosure signatures) stay in a sane range: a
year such as 9999 is a 400 naming the field, never a server error from date arithmetic."""

from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import SIGNED_IN_FUTURE, Activity, ContentPerson, Disclosure
from activities.timezones import DATE_OUT_OF_RANGE, add_months
from tests.activities.helpers import ACTIVITIES, activity_body
from tests.activities.test_admin import ADD, admin_user, empty_inlines
from tests.factories import make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_staff_client(client):
    client.force_login(admin_user("cme_staff", email="sofia@example.org"))
    return client


# --- add_months -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(9999, 6, 1), 12, date.max),
        (date(9999, 12, 31), 1, date.max),
        (date(1, 3, 1), -12, date.min),
    ],
)
def test_add_months_never_raises_at_the_calendars_ends(day, months, expected):
    assert add_months(day, months) == expected


# --- disclosures -------------------------------------------------------------------------------------


def tomorrow() -> str:
    return str(timezone.localdate() + timedelta(days=1))


@pytest.mark.parametrize(
    ("signed_on", "message"),
    [("9999-06-01", DATE_OUT_OF_RANGE), ("1999-12-31", DATE_OUT_OF_RANGE), (None, SIGNED_IN_FUTURE)],
)
def test_a_persons_disclosure_signed_out_of_range_is_a_400(staff_client, signed_on, message):
    person = ContentPerson.objects.create(name="Dr. Typo")

    response = staff_client.post(
        f"/api/v1/people/{person.id}/disclosures/",
        {"signed_on": signed_on or tomorrow(), "relationships": []},
        format="json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"signed_on": [message]}
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize(("signed_on", "message"), [("9999-06-01", DATE_OUT_OF_RANGE), (None, SIGNED_IN_FUTURE)])
def test_an_activity_disclosure_signed_out_of_range_is_a_400(staff_client, staff, signed_on, message):
    activity = make_activity(staff=staff)

    response = staff_client.post(
        f"{ACTIVITIES}{activity.id}/disclosures/",
        {"name": "Dr. Typo", "role": "faculty", "disclosure": {"signed_on": signed_on or tomorrow(),
                                                               "relationships": []}},
        format="json",
    )  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"disclosure": {"signed_on": [message]}}
    assert not ContentPerson.objects.exists()
    assert not activity.content_roles.exists()


def test_the_admin_disclosure_form_refuses_year_9999(admin_staff_client):
    person = ContentPerson.objects.create(name="Dr. Typo")
    form = {"person": person.pk, "signed_on": "9999-06-01", "relationships-TOTAL_FORMS": "0",
            "relationships-INITIAL_FORMS": "0"}  # fmt: skip

    response = admin_staff_client.post(reverse("admin:activities_disclosure_add"), form)

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors == {"signed_on": [DATE_OUT_OF_RANGE]}
    assert not Disclosure.objects.exists()


def test_the_admin_persons_page_refuses_a_disclosure_signed_in_the_future(admin_staff_client):
    form = {"name": "Dr. Future", "disclosures-TOTAL_FORMS": "1", "disclosures-INITIAL_FORMS": "0",
            "disclosures-0-signed_on": tomorrow()}  # fmt: skip

    response = admin_staff_client.post(reverse("admin:activities_contentperson_add"), form)

    assert response.status_code == HTTPStatus.OK
    assert SIGNED_IN_FUTURE in response.content.decode()
    assert not ContentPerson.objects.exists()


# --- activities ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"activity_type": "internet-enduring", "available_from": "2026-01-01", "available_until": "9999-12-31"},
         "available_until"),
        ({"activity_type": "internet-enduring", "available_from": "1900-01-01", "available_until": "2026-12-31"},
         "available_from"),
        ({"claim_deadline": "9999-12-31"}, "claim_deadline"),
        ({"claim_deadline": "2101-01-01"}, "claim_deadline"),
    ],
)  # fmt: skip
def test_create_refuses_dates_out_of_range(staff_client, overrides, field):
    response = staff_client.post(ACTIVITIES, activity_body(**overrides), format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {field: [DATE_OUT_OF_RANGE]}
    assert not Activity.objects.exists()


def test_patch_refuses_an_availability_window_ending_in_9999(staff_client, staff):
    today = timezone.localdate()
    activity = make_activity(
        staff=staff, activity_type="internet-enduring", available_from=today, available_until=today + timedelta(30)
    )

    response = staff_client.patch(f"{ACTIVITIES}{activity.id}/", {"available_until": "9999-12-31"}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"available_until": [DATE_OUT_OF_RANGE]}
    activity.refresh_from_db()
    assert activity.available_until == today + timedelta(30)


def test_admin_activity_form_refuses_a_claim_deadline_in_9999(admin_staff_client):
    form = {"title": "Typo", "activity_type": "course", "objectives": ["clinical-decision-making"],
            "time_zone": "America/New_York", "claim_deadline": "9999-12-31", **empty_inlines()}  # fmt: skip

    response = admin_staff_client.post(ADD, form)

    assert response.status_code == HTTPStatus.OK
    assert DATE_OUT_OF_RANGE in response.content.decode()
    assert not Activity.objects.exists()


def test_rollover_of_a_series_with_a_deadline_in_9999_is_a_400(staff_client, staff):
    series = make_activity(staff=staff, activity_type="rss", title="Medicine Grand Rounds 2026")
    Activity.objects.filter(pk=series.pk).update(claim_deadline=date(9999, 6, 1))  # a row from before the check

    response = staff_client.post(f"{ACTIVITIES}{series.id}/rollover/")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"claim_deadline": [DATE_OUT_OF_RANGE]}
    assert list(Activity.objects.values_list("pk", flat=True)) == [series.pk]
