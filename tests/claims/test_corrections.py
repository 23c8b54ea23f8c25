"""Staff corrections of claims: learner claims keep the claim rules, faculty claims the faculty-credit rules."""

from decimal import Decimal
from http import HTTPStatus

import pytest

from activities.credits import CREDITS_NOT_POSITIVE, CREDITS_NOT_QUARTER
from claims import services
from claims.models import Claim
from tests.factories import attend, evaluate, make_published_activity

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


def award_faculty_credit(staff_client, activity, user):
    response = staff_client.post(
        f"/api/v1/activities/{activity.id}/faculty-credit/",
        {"user": user.id, "session": activity.sessions.get().id},
        format="json",
    )
    assert response.status_code == HTTPStatus.CREATED, response.json()
    return Claim.objects.get(pk=response.json()["id"])


def correct(staff_client, claim, credits, reason="Presented for part of the session"):
    return staff_client.patch(f"{CLAIMS}{claim.id}/", {"credits": credits, "reason": reason}, format="json")


def assert_unchanged(claim):
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.credits == claim.credits
    assert stored.history.count() == 1
    assert stored.certificate.version == 1
    assert not stored.certificate.versions.exists()


@pytest.mark.parametrize(
    "credits, message",
    [
        ("1.10", CREDITS_NOT_QUARTER),
        ("0", CREDITS_NOT_POSITIVE),
        ("-1", CREDITS_NOT_POSITIVE),
        ("-0.25", CREDITS_NOT_POSITIVE),
        ("2.75", services.FACULTY_ABOVE_MAXIMUM.format(maximum="2.50")),
    ],
)
def test_faculty_correction_obeys_the_faculty_amount_rules(staff_client, clinician, credits, message):
    activity = make_published_activity(minutes=75)  # 1.25 credit hours: at most 2.50 faculty credits
    faculty = award_faculty_credit(staff_client, activity, clinician)

    response = correct(staff_client, faculty, credits)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"credits": [message]}
    assert_unchanged(faculty)


@pytest.mark.parametrize("credits", ["2.50", "0.25", "1.75"])
def test_faculty_correction_within_the_rules(staff_client, staff, clinician, credits):
    activity = make_published_activity(minutes=75)
    faculty = award_faculty_credit(staff_client, activity, clinician)

    response = correct(staff_client, faculty, credits)

    assert response.status_code == HTTPStatus.OK, response.json()
    body = response.json()
    assert (body["credits"], body["kind"], body["session"]) == (credits, "faculty", faculty.session_id)
    stored = Claim.objects.get(pk=faculty.pk)
    assert stored.credits == Decimal(credits)
    assert stored.history.first().history_user == staff
    assert stored.history.first().history_change_reason == "Presented for part of the session"
    assert stored.certificate.version == 2


def test_faculty_maximum_ignores_the_activity_designation(staff_client, clinician):
    # The designation (1.25) is below the faculty maximum (2 x 1.25 = 2.50): faculty credit is not bound by it.
    activity = make_published_activity(minutes=75, credits=(("ama-pra-1", "1.25"), ("participation", "1.25")))
    faculty = award_faculty_credit(staff_client, activity, clinician)

    response = correct(staff_client, faculty, "2.25")

    assert response.status_code == HTTPStatus.OK, response.json()
    assert Claim.objects.get(pk=faculty.pk).credits == Decimal("2.25")


def test_participation_faculty_claim_on_an_ama_only_activity_can_be_corrected(staff_client, nurse):
    activity = make_published_activity(minutes=60, credits=(("ama-pra-1", "1.00"),))
    faculty = award_faculty_credit(staff_client, activity, nurse)
    assert (faculty.credit_type_id, faculty.credits) == ("participation", Decimal("2.00"))

    accepted = correct(staff_client, faculty, "1.50")
    refused = correct(staff_client, faculty, "2.25")

    assert accepted.status_code == HTTPStatus.OK, accepted.json()
    assert accepted.json()["credit_type"] == "participation"
    assert refused.json() == {"credits": [services.FACULTY_ABOVE_MAXIMUM.format(maximum="2.00")]}
    assert Claim.objects.get(pk=faculty.pk).credits == Decimal("1.50")


def test_ama_faculty_claim_of_someone_no_longer_a_physician_is_refused(staff_client, clinician):
    activity = make_published_activity(minutes=60)
    faculty = award_faculty_credit(staff_client, activity, clinician)
    clinician.degree = "RN"
    clinician.save()

    response = correct(staff_client, faculty, "1.00")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"credit_type": [services.PHYSICIANS_ONLY]}
    assert_unchanged(faculty)


def test_faculty_correction_needs_a_reason(staff_client, clinician):
    activity = make_published_activity(minutes=60)
    faculty = award_faculty_credit(staff_client, activity, clinician)

    response = correct(staff_client, faculty, "1.00", reason="   ")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "reason" in response.json()
    assert_unchanged(faculty)


@pytest.mark.parametrize(
    "credits, message",
    [("1.10", CREDITS_NOT_QUARTER), ("0", CREDITS_NOT_POSITIVE), ("-1", CREDITS_NOT_POSITIVE)],
)
def test_learner_correction_obeys_the_amount_rules(staff_client, clinician, credits, message):
    activity = make_published_activity(minutes=120)
    attend(clinician, activity)
    evaluate(clinician, activity)
    learner = services.claim_submit(user=clinician, activity=activity, credit_type="ama-pra-1", credits=Decimal("2"))

    response = correct(staff_client, learner, credits)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"credits": [message]}
    assert_unchanged(learner)


def test_learner_correction_above_the_attended_hours(staff_client, clinician):
    activity = make_published_activity(sessions=2, minutes=60)
    attend(clinician, activity, activity.sessions.order_by("starts_at").first())
    evaluate(clinician, activity)
    learner = services.claim_submit(user=clinician, activity=activity, credit_type="ama-pra-1", credits=Decimal("1"))

    response = correct(staff_client, learner, "1.25")

    assert response.json() == {"credits": [services.ABOVE_ATTENDED.format(hours="1.00")]}
    assert_unchanged(learner)
