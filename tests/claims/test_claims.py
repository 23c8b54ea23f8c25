from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone

from activities.timezones import today_in
from attendance.models import Evaluation
from claims import services
from claims.models import Claim, LateClaimException
from tests.conftest import client_for
from tests.factories import UserFactory, attend, evaluate, make_enduring_activity, make_published_activity

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


def ready_learner(user, **activity_kwargs):
    """A published live activity the user attended and evaluated."""
    activity = make_published_activity(**activity_kwargs)
    attend(user, activity)
    evaluate(user, activity)
    return activity


def claim(client, activity, credits, credit_type="ama-pra-1", **extra):
    return client.post(
        CLAIMS, {"activity": activity.id, "credit_type": credit_type, "credits": credits, **extra}, format="json"
    )


# --- rule 3: credits, at the boundary ----------------------------------------------------------------


def test_claim_accepted_returns_certificate(clinician_client, clinician):
    activity = ready_learner(clinician, minutes=75, credits=(("ama-pra-1", "1.25"),))

    response = claim(clinician_client, activity, "1.25")

    assert response.status_code == HTTPStatus.CREATED, response.json()
    stored = Claim.objects.get()
    body = response.json()
    assert body["id"] == stored.id
    assert body["credits"] == "1.25"
    assert body["credit_type"] == "ama-pra-1"
    assert body["certificate"] == {"id": stored.certificate.id, "status": "pending"}
    assert stored.credit_date == activity.sessions.get().starts_at.astimezone(timezone.get_current_timezone()).date()


def test_more_than_the_attended_hours_is_refused(clinician_client, clinician):
    activity = make_published_activity(sessions=2, minutes=75)
    attend(clinician, activity, activity.sessions.first())
    evaluate(clinician, activity)

    response = claim(clinician_client, activity, "1.50")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"credits": [services.ABOVE_ATTENDED.format(hours="1.25")]}
    assert not Claim.objects.exists()
    assert claim(clinician_client, activity, "1.25").status_code == HTTPStatus.CREATED


def test_more_than_the_designated_maximum_is_refused(clinician_client, clinician):
    activity = ready_learner(clinician, sessions=2, minutes=120, credits=(("ama-pra-1", "3.00"),))

    accepted_at_max = services.claim_check(user=clinician, activity=activity, credit_type="ama-pra-1",
                                           credits=Decimal("3.00"))  # fmt: skip
    response = claim(clinician_client, activity, "3.25")

    assert accepted_at_max is None
    assert response.json() == {"credits": [services.ABOVE_MAXIMUM.format(maximum="3.00")]}


@pytest.mark.parametrize("credits, message", [("1.10", "Credits must be a multiple of 0.25."),
                                              ("0", "Credits must be greater than zero."),
                                              ("-1.00", "Credits must be greater than zero.")])  # fmt: skip
def test_credits_positive_quarter_multiples(clinician_client, clinician, credits, message):
    activity = ready_learner(clinician)

    response = claim(clinician_client, activity, credits)

    assert response.json() == {"credits": [message]}


@pytest.mark.parametrize("credits", ["abc", "1.255", None, "Infinity", "NaN", [1]])
def test_credits_shape(clinician_client, clinician, credits):
    activity = ready_learner(clinician)

    response = claim(clinician_client, activity, credits)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "credits" in response.json()


def test_parallel_sessions_count_once_for_the_learner(clinician_client, clinician):
    from activities.services import activity_publish
    from tests.factories import make_activity, make_disclosed_person, make_session

    activity = make_activity(credits=(("ama-pra-1", "2.00"),))
    a = make_session(activity, minutes=60, parallel_group="track")
    b = make_session(activity, minutes=60, parallel_group="track")
    make_session(activity, starts_in_hours=30, minutes=60)
    make_disclosed_person(activity)
    activity = activity_publish(activity=activity, published_by=None)
    attend(clinician, activity, a, b)
    evaluate(clinician, activity)

    response = claim(clinician_client, activity, "1.25")

    assert response.json() == {"credits": [services.ABOVE_ATTENDED.format(hours="1.00")]}


# --- rule 1: credit type -----------------------------------------------------------------------------


def test_ama_credit_is_for_physicians(nurse_client, nurse):
    activity = ready_learner(nurse)

    refused = claim(nurse_client, activity, "1.00")
    accepted = claim(nurse_client, activity, "1.00", credit_type="participation")

    assert refused.json() == {"credit_type": [services.PHYSICIANS_ONLY]}
    assert accepted.status_code == HTTPStatus.CREATED


def test_credit_type_not_offered(clinician_client, clinician):
    activity = ready_learner(clinician, credits=(("ama-pra-1", "2.00"),))

    response = claim(clinician_client, activity, "1.00", credit_type="participation")

    assert response.json() == {"credit_type": [services.NOT_OFFERED.format(credit_type="participation")]}


# --- rule 2: attendance / completion ------------------------------------------------------------------


def test_not_attended(clinician_client, clinician):
    activity = make_published_activity()

    response = claim(clinician_client, activity, "1.00")

    assert response.json() == {"activity": [services.NOT_ATTENDED]}


def test_enduring_needs_attestation_inside_the_window(clinician_client, clinician):
    activity = make_enduring_activity(post_test_passing_score=None)
    evaluate(clinician, activity)

    refused = claim(clinician_client, activity, "1.50")
    accepted = claim(clinician_client, activity, "1.50", attest_completed=True)

    assert refused.json() == {"attest_completed": [services.ATTEST_REQUIRED]}
    assert accepted.status_code == HTTPStatus.CREATED
    assert Claim.objects.get().attested_completed is True


def test_enduring_outside_the_window(clinician_client, clinician):
    today = timezone.localdate()
    activity = make_enduring_activity(
        available_from=today - timedelta(days=60), available_until=today - timedelta(days=1)
    )
    # Evaluated while it was available (evaluation_submit now refuses outside the window too).
    Evaluation.objects.create(user=clinician, activity=activity, overall_rating=5, commercial_bias=False)

    response = claim(clinician_client, activity, "1.00", attest_completed=True)

    assert response.json() == {
        "attest_completed": [
            services.OUTSIDE_WINDOW.format(start=activity.available_from, end=activity.available_until)
        ]
    }


@pytest.mark.parametrize("score, accepted", [(80, True), (79, False), (None, False)])
def test_post_test_passing_score(clinician_client, clinician, score, accepted):
    activity = make_enduring_activity(post_test_passing_score=80)
    evaluate(clinician, activity)

    response = claim(clinician_client, activity, "1.00", attest_completed=True, post_test_score=score)

    if accepted:
        assert response.status_code == HTTPStatus.CREATED
        assert Claim.objects.get().post_test_score == 80
    elif score is None:
        assert response.json() == {"post_test_score": [services.SCORE_REQUIRED]}
    else:
        assert response.json() == {"post_test_score": [services.SCORE_TOO_LOW.format(passing=80)]}


# --- rule 4: evaluation ---------------------------------------------------------------------------------


def test_evaluation_required(clinician_client, clinician):
    activity = make_published_activity()
    attend(clinician, activity)

    response = claim(clinician_client, activity, "1.00")

    assert response.json() == {"evaluation": [services.EVALUATION_MISSING]}


def test_evaluation_not_required_when_the_activity_says_so(clinician_client, clinician):
    activity = make_published_activity(evaluation_required=False)
    attend(clinician, activity)

    assert claim(clinician_client, activity, "1.00").status_code == HTTPStatus.CREATED


# --- rule 5: deadline in the activity's time zone ------------------------------------------------------------


def test_deadline_is_read_in_the_activity_time_zone(clinician):
    # Kiritimati (UTC+14) is always a day or two ahead of Pago Pago (UTC-11).
    deadline = today_in("Pacific/Pago_Pago")
    west = ready_learner(clinician, time_zone="Pacific/Pago_Pago", claim_deadline=deadline, starts_in_hours=-3)
    other = UserFactory()
    east = ready_learner(other, time_zone="Pacific/Kiritimati", claim_deadline=deadline, starts_in_hours=-3)

    accepted = claim(client_for(clinician), west, "1.00")
    refused = claim(client_for(other), east, "1.00")

    assert accepted.status_code == HTTPStatus.CREATED
    assert refused.json() == {"claim_deadline": [services.DEADLINE_PASSED.format(deadline=deadline)]}


def test_late_claim_exception(clinician_client, clinician, staff_client, staff):
    deadline = timezone.localdate() - timedelta(days=3)
    activity = ready_learner(clinician, claim_deadline=deadline, starts_in_hours=-24 * 5)
    assert claim(clinician_client, activity, "1.00").status_code == HTTPStatus.BAD_REQUEST

    granted = staff_client.post(
        f"/api/v1/activities/{activity.id}/late-claims/",
        {"user": clinician.id, "reason": "Was on service abroad", "expires": str(timezone.localdate())},
        format="json",
    )
    response = claim(clinician_client, activity, "1.00")

    assert granted.status_code == HTTPStatus.CREATED
    assert granted.json()["granted_by"] == staff.id
    assert response.status_code == HTTPStatus.CREATED
    exception = LateClaimException.objects.get()
    assert exception.history.first().history_user == staff


def test_expired_late_claim_exception_does_not_help(clinician_client, clinician):
    deadline = timezone.localdate() - timedelta(days=10)
    activity = ready_learner(clinician, claim_deadline=deadline, starts_in_hours=-24 * 12)
    LateClaimException.objects.create(activity=activity, user=clinician, reason="x", granted_by=clinician,
                                      expires=timezone.localdate() - timedelta(days=1))  # fmt: skip

    response = claim(clinician_client, activity, "1.00")

    assert response.json() == {"claim_deadline": [services.DEADLINE_PASSED.format(deadline=deadline)]}


@pytest.mark.parametrize("body, field", [({"reason": ""}, "reason"), ({"expires": "2001-01-01"}, "expires"),
                                         ({"user": 999999}, "user")])  # fmt: skip
def test_late_claim_bad_input(staff_client, clinician, body, field):
    activity = make_published_activity()
    payload = {"user": clinician.id, "reason": "Sick leave", "expires": str(timezone.localdate()), **body}

    response = staff_client.post(f"/api/v1/activities/{activity.id}/late-claims/", payload, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()
    assert not LateClaimException.objects.exists()


# --- one claim per learner and activity --------------------------------------------------------------------


def test_second_claim_is_a_conflict(clinician_client, clinician):
    activity = ready_learner(clinician)
    claim(clinician_client, activity, "1.00")

    response = claim(clinician_client, activity, "0.50")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {"detail": services.ALREADY_CLAIMED}
    assert Claim.objects.count() == 1


def test_claim_on_a_draft_or_unknown_activity(clinician_client, clinician):
    from tests.factories import make_activity

    draft = make_activity()

    assert claim(clinician_client, draft, "1.00").json() == {"activity": ["No such activity."]}
    assert clinician_client.post(CLAIMS, {"activity": 999999, "credit_type": "ama-pra-1", "credits": "1.00"},
                                 format="json").json() == {"activity": ["No such activity."]}  # fmt: skip


# --- faculty credit --------------------------------------------------------------------------------------------


def test_faculty_credit_is_two_credits_per_hour(staff_client, clinician):
    activity = make_published_activity(minutes=75)
    session = activity.sessions.get()

    response = staff_client.post(
        f"/api/v1/activities/{activity.id}/faculty-credit/",
        {"user": clinician.id, "session": session.id},
        format="json",
    )
    again = staff_client.post(
        f"/api/v1/activities/{activity.id}/faculty-credit/",
        {"user": clinician.id, "session": session.id},
        format="json",
    )

    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert (body["credits"], body["kind"], body["credit_type"], body["session"]) == ("2.50", "faculty", "ama-pra-1",
                                                                                    session.id)  # fmt: skip
    assert body["certificate"]["status"] == "pending"
    assert again.status_code == HTTPStatus.CONFLICT


def test_presenter_cannot_claim_learner_credit_for_the_session_presented(staff_client, clinician_client, clinician):
    activity = make_published_activity(sessions=2, minutes=60)
    presented = activity.sessions.order_by("starts_at").first()
    attend(clinician, activity)
    evaluate(clinician, activity)
    staff_client.post(f"/api/v1/activities/{activity.id}/faculty-credit/",
                      {"user": clinician.id, "session": presented.id}, format="json")  # fmt: skip

    refused = claim(clinician_client, activity, "2.00")
    accepted = claim(clinician_client, activity, "1.00")

    assert refused.json() == {"credits": [services.ABOVE_ATTENDED.format(hours="1.00")]}
    assert accepted.status_code == HTTPStatus.CREATED


def test_faculty_credit_after_a_learner_claim_covering_the_session(staff_client, clinician_client, clinician):
    activity = make_published_activity(sessions=2, minutes=60)
    attend(clinician, activity)
    evaluate(clinician, activity)
    claim(clinician_client, activity, "2.00")

    body = {"user": clinician.id, "session": activity.sessions.first().id}
    response = staff_client.post(f"/api/v1/activities/{activity.id}/faculty-credit/", body, format="json")

    assert response.json() == {"session": [services.FACULTY_CLAIMED_AS_LEARNER]}


def test_faculty_credit_for_a_nurse_is_participation(staff_client, nurse):
    activity = make_published_activity(minutes=60)

    response = staff_client.post(f"/api/v1/activities/{activity.id}/faculty-credit/",
                                 {"user": nurse.id, "session": activity.sessions.get().id}, format="json")  # fmt: skip

    assert response.json()["credit_type"] == "participation"


# --- listing, privacy, corrections ---------------------------------------------------------------------------


def test_list_own_claims_only_and_others_are_404(clinician_client, clinician, other_client, other_clinician):
    activity = ready_learner(clinician)
    mine = claim(clinician_client, activity, "1.00").json()

    assert [row["id"] for row in clinician_client.get(CLAIMS).json()["results"]] == [mine["id"]]
    assert other_client.get(CLAIMS).json()["results"] == []
    assert other_client.get(f"{CLAIMS}{mine['id']}/").status_code == HTTPStatus.NOT_FOUND


def test_staff_filters(staff_client, accreditation_client, clinician, other_clinician):
    first, second = ready_learner(clinician), ready_learner(other_clinician)
    client_for(clinician).post(
        CLAIMS, {"activity": first.id, "credit_type": "ama-pra-1", "credits": "1.00"}, format="json"
    )
    client_for(other_clinician).post(CLAIMS, {"activity": second.id, "credit_type": "participation", "credits": "1.00"},
                                     format="json")  # fmt: skip
    today = str(timezone.localdate())

    def learners(**params):
        return sorted(row["user"] for row in accreditation_client.get(CLAIMS, params).json()["results"])

    assert learners() == sorted([clinician.id, other_clinician.id])
    assert learners(activity=first.id) == [clinician.id]
    assert learners(user=other_clinician.id) == [other_clinician.id]
    assert learners(credit_type="participation") == [other_clinician.id]
    assert learners(created_after=today, created_before=today) == sorted([clinician.id, other_clinician.id])
    assert learners(created_before=str(timezone.localdate() - timedelta(days=1))) == []
    assert staff_client.get(CLAIMS, {"created_after": "nope"}).status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.parametrize("page_size", [5, 50])
def test_claim_list_query_count(staff_client, django_assert_max_num_queries, page_size):
    activity = make_published_activity(evaluation_required=False)
    for _ in range(8):
        learner = UserFactory()
        attend(learner, activity)
        services.claim_submit(user=learner, activity=activity, credit_type="ama-pra-1", credits=Decimal("1.00"))

    with django_assert_max_num_queries(5):
        response = staff_client.get(CLAIMS, {"page_size": page_size})

    assert len(response.json()["results"]) == min(page_size, 8)


def test_staff_correct_credits_with_reason(staff_client, staff, clinician_client, clinician):
    activity = ready_learner(clinician, minutes=120)
    made = claim(clinician_client, activity, "2.00").json()

    corrected = staff_client.patch(f"{CLAIMS}{made['id']}/", {"credits": "1.50", "reason": "Left early"}, format="json")
    beyond = staff_client.patch(f"{CLAIMS}{made['id']}/", {"credits": "2.25", "reason": "Typo"}, format="json")
    by_learner = clinician_client.patch(f"{CLAIMS}{made['id']}/", {"credits": "1.00", "reason": "x"}, format="json")

    assert corrected.status_code == HTTPStatus.OK
    assert corrected.json()["credits"] == "1.50"
    assert beyond.json() == {"credits": [services.ABOVE_MAXIMUM.format(maximum="2.00")]}
    assert by_learner.status_code == HTTPStatus.FORBIDDEN
    stored = Claim.objects.get()
    assert stored.credits == Decimal("1.50")
    assert stored.history.first().history_change_reason == "Left early"
    assert stored.history.first().history_user == staff
    assert stored.certificate.version == 2
    assert stored.certificate.versions.get().reason == "Claim accepted"


def test_staff_correction_needs_a_reason(staff_client, clinician_client, clinician):
    activity = ready_learner(clinician)
    made = claim(clinician_client, activity, "1.00").json()

    response = staff_client.patch(f"{CLAIMS}{made['id']}/", {"credits": "0.50"}, format="json")

    assert response.json() == {"reason": ["This field is required."]}


def test_accreditation_cannot_claim_for_others_but_can_read(accreditation_client):
    assert accreditation_client.get(CLAIMS).status_code == HTTPStatus.OK


def test_evaluation_rows(clinician):
    activity = ready_learner(clinician)

    assert Evaluation.objects.get().objective_answers.count() == activity.objectives.count()
