from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone

from activities.models import Activity, ActivityStatus, CreditDesignation, Session
from activities.services import session_create
from activities.services.activities import (
    AMA_ABOVE_SESSIONS,
    DESIGNATION_LOCKED,
    HAS_RECORDS,
    NO_CREDITS,
    NO_ESTIMATED_HOURS,
    NO_OBJECTIVES,
    NO_SESSIONS,
    NO_WINDOW,
    NOT_A_SERIES,
)
from activities.services.disclosures import NO_PEOPLE, NO_VALID_DISCLOSURE, NOT_REVIEWED
from activities.services.sessions import (
    CHECKIN_ALPHABET,
    ENDS_BEFORE_START,
    HOURS_ABOVE_LENGTH,
    OUT_OF_RANGE,
    SERIES_TOO_LONG,
    TOO_LONG,
)
from tests.factories import (
    UserFactory,
    make_activity,
    make_disclosed_person,
    make_enduring_activity,
    make_published_activity,
    make_session,
)

pytestmark = pytest.mark.django_db

ACTIVITIES = "/api/v1/activities/"


def activity_body(**overrides):
    body = {
        "title": "Cardiology Grand Rounds 2026",
        "description": "Weekly grand rounds of the department of medicine.",
        "activity_type": "rss",
        "objectives": ["clinical-decision-making", "new-findings"],
        "location": "Boston, MA",
        "credits": [{"credit_type": "ama-pra-1", "max_credits": "1.00"}],
        "time_zone": "America/New_York",
    }
    body.update(overrides)
    return body


# --- create ---------------------------------------------------------------------------------------


def test_staff_creates_a_draft(staff_client):
    response = staff_client.post(ACTIVITIES, activity_body(), format="json")

    assert response.status_code == HTTPStatus.CREATED, response.json()
    activity = Activity.objects.get()
    body = response.json()
    assert body["id"] == activity.id
    assert body["status"] == "draft"
    assert body["provider_activity_id"] == f"CME-{activity.id:06d}"
    assert body["objectives"] == ["clinical-decision-making", "new-findings"]
    assert body["credits"] == [{"credit_type": "ama-pra-1", "max_credits": "1.00"}]
    assert body["evaluation_required"] is True
    assert body["claim_deadline"] is None
    assert body["sessions"] == []
    assert body["live"] is True
    assert activity.history.first().history_user.email == "staff@example.org"


def test_time_zone_defaults_to_the_provider(staff_client):
    body = activity_body()
    del body["time_zone"]

    response = staff_client.post(ACTIVITIES, body, format="json")

    assert response.json()["time_zone"] == "America/New_York"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"objectives": ["clinical-decision-making", "astrology"]}, "objectives"),
        ({"objectives": []}, "objectives"),
        ({"objectives": "clinical-decision-making"}, "objectives"),
        ({"credits": [{"credit_type": "ama-pra-1", "max_credits": "0.00"}]}, "credits"),
        ({"credits": [{"credit_type": "ama-pra-1", "max_credits": "-1.00"}]}, "credits"),
        ({"credits": [{"credit_type": "ama-pra-1", "max_credits": "1.10"}]}, "credits"),
        ({"credits": [{"credit_type": "ama-pra-1", "max_credits": "abc"}]}, "credits"),
        ({"credits": [{"credit_type": "ama-pra-2", "max_credits": "1.00"}]}, "credits"),
        ({"credits": [{"credit_type": "ama-pra-1", "max_credits": "1.00"}] * 2}, "credits"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"activity_type": "lecture"}, "activity_type"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 100_000}, "title"),
        ({"available_from": "2026-05-01", "available_until": "2026-04-01"}, "available_until"),
        ({"claim_deadline": "soon"}, "claim_deadline"),
        ({"competencies": ["charisma"]}, "competencies"),
        ({"post_test_passing_score": 101}, "post_test_passing_score"),
        ({"estimated_hours": "1.10"}, "estimated_hours"),
        ({"jointly_provided": True}, "joint_provider_name"),
    ],
)
def test_create_rejects_bad_input_naming_the_field(staff_client, overrides, field):
    response = staff_client.post(ACTIVITIES, activity_body(**overrides), format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json(), response.json()
    assert not Activity.objects.exists()


def test_unknown_objective_message_lists_the_choices(staff_client):
    response = staff_client.post(ACTIVITIES, activity_body(objectives=["astrology"]), format="json")

    assert response.json() == {
        "objectives": [
            "Unknown value 'astrology'; choose from: clinical-decision-making, patient-management, "
            "new-findings, health-policy."
        ]
    }


def test_max_credits_message(staff_client):
    response = staff_client.post(
        ACTIVITIES, activity_body(credits=[{"credit_type": "ama-pra-1", "max_credits": "1.10"}]), format="json"
    )

    assert response.json() == {"credits": {"0": {"max_credits": ["Credits must be a multiple of 0.25."]}}}


# --- sessions ----------------------------------------------------------------------------------------


def sessions_url(activity):
    return f"{ACTIVITIES}{activity.id}/sessions/"


@pytest.mark.parametrize(
    "minutes, breaks, hours",
    [(60, 0, "1.00"), (75, 0, "1.25"), (80, 0, "1.25"), (83, 0, "1.50"), (120, 15, "1.75"), (52, 0, "0.75")],
)
def test_session_credit_hours_default_to_quarter_hours_minus_breaks(staff_client, staff, minutes, breaks, hours):
    activity = make_activity(staff=staff)
    starts = timezone.now() + timedelta(days=3)

    response = staff_client.post(
        sessions_url(activity),
        {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(minutes=minutes)).isoformat(),
         "break_minutes": breaks},
        format="json",
    )  # fmt: skip

    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json()["credit_hours"] == hours
    assert Session.objects.get().credit_hours == Decimal(hours)


def test_session_shows_times_in_the_activity_zone_and_reads_naive_input_there(staff_client, staff):
    activity = make_activity(staff=staff, time_zone="America/Los_Angeles")

    response = staff_client.post(
        sessions_url(activity), {"starts_at": "2026-12-01T12:00", "ends_at": "2026-12-01T13:00"}, format="json"
    )

    body = response.json()
    assert body["starts_at"] == "2026-12-01T12:00:00-08:00"
    assert body["ends_at"] == "2026-12-01T13:00:00-08:00"
    assert Session.objects.get().starts_at.isoformat() == "2026-12-01T20:00:00+00:00"


def test_checkin_code_shown_to_staff_only(staff_client, clinician_client, staff):
    activity = make_published_activity(staff=staff)
    code = activity.sessions.get().checkin_code

    assert len(code) == 6 and set(code) <= set(CHECKIN_ALPHABET)
    assert not set(code) & set("01OIL")
    assert staff_client.get(sessions_url(activity)).json()["results"][0]["checkin_code"] == code
    assert clinician_client.get(sessions_url(activity)).json()["results"][0]["checkin_code"] is None
    assert clinician_client.get(f"{ACTIVITIES}{activity.id}/").json()["sessions"][0]["checkin_code"] is None
    assert staff_client.get(f"{ACTIVITIES}{activity.id}/").json()["sessions"][0]["checkin_code"] == code


@pytest.mark.parametrize(
    "starts, ends, extra, field, message",
    [
        ("2026-12-01T13:00:00Z", "2026-12-01T12:00:00Z", {}, "ends_at", ENDS_BEFORE_START),
        ("2026-12-01T12:00:00Z", "2026-12-01T12:00:00Z", {}, "ends_at", ENDS_BEFORE_START),
        ("2026-12-01T12:00:00Z", "2026-12-02T12:30:00Z", {}, "ends_at", TOO_LONG),
        ("1850-12-01T12:00:00Z", "2026-12-01T13:00:00Z", {}, "starts_at", OUT_OF_RANGE),
        ("2026-12-01T12:00:00Z", "2026-12-01T13:15:00Z", {"credit_hours": "1.50"}, "credit_hours",
         HOURS_ABOVE_LENGTH.format(hours="1.25")),
    ],
)  # fmt: skip
def test_session_validation(staff_client, staff, starts, ends, extra, field, message):
    activity = make_activity(staff=staff)

    response = staff_client.post(sessions_url(activity), {"starts_at": starts, "ends_at": ends, **extra}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {field: [message]}
    assert not Session.objects.exists()


@pytest.mark.parametrize("body, field", [({"starts_at": "tomorrow"}, "starts_at"), ({}, "starts_at"),
                                         ({"break_minutes": -5}, "break_minutes"),
                                         ({"credit_hours": "1.10"}, "credit_hours")])  # fmt: skip
def test_session_shape_errors(staff_client, staff, body, field):
    activity = make_activity(staff=staff)
    payload = {"starts_at": "2026-12-01T12:00:00Z", "ends_at": "2026-12-01T14:00:00Z", **body}
    if not body:
        del payload["starts_at"]

    response = staff_client.post(sessions_url(activity), payload, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()


def test_enduring_activity_has_no_sessions(staff_client, staff):
    activity = make_enduring_activity(publish=False, staff=staff)

    response = staff_client.post(
        sessions_url(activity), {"starts_at": "2026-12-01T12:00:00Z", "ends_at": "2026-12-01T13:00:00Z"}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"detail": "Only live activities (courses, series, webinars) have sessions."}


def test_series_sessions_stay_within_twelve_months(staff_client, staff):
    activity = make_activity(staff=staff, activity_type="rss")
    first = timezone.now() + timedelta(days=1)
    session_create(activity=activity, created_by=staff, starts_at=first, ends_at=first + timedelta(hours=1))
    late = first + timedelta(days=367)

    response = staff_client.post(
        sessions_url(activity),
        {"starts_at": late.isoformat(), "ends_at": (late + timedelta(hours=1)).isoformat()},
        format="json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"starts_at": [SERIES_TOO_LONG]}


# --- publish -------------------------------------------------------------------------------------------


def publish(client, activity):
    return client.post(f"{ACTIVITIES}{activity.id}/publish/")


def test_publish_names_every_missing_piece(staff_client, staff):
    activity = make_activity(staff=staff, credits=())

    response = publish(staff_client, activity)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"credits": [NO_CREDITS], "sessions": [NO_SESSIONS], "disclosures": [NO_PEOPLE]}
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DRAFT


def test_publish_without_objectives(staff_client, staff):
    activity = make_activity(staff=staff)
    make_session(activity)
    make_disclosed_person(activity)
    activity.objectives.clear()

    response = publish(staff_client, activity)

    assert response.json() == {"objectives": [NO_OBJECTIVES]}


def test_publish_refuses_ama_maximum_above_session_hours(staff_client, staff):
    activity = make_activity(staff=staff, credits=(("ama-pra-1", "2.25"),))
    make_session(activity, minutes=120)
    make_disclosed_person(activity)

    response = publish(staff_client, activity)

    assert response.json() == {"credits": [AMA_ABOVE_SESSIONS.format(maximum="2.25", hours="2.00")]}


def test_parallel_sessions_count_once_toward_the_maximum(staff_client, staff):
    activity = make_activity(staff=staff, credits=(("ama-pra-1", "3.00"),))
    make_session(activity, minutes=60, parallel_group="A")
    make_session(activity, minutes=60, parallel_group="A")
    make_session(activity, starts_in_hours=30, minutes=60)
    make_disclosed_person(activity)

    response = publish(staff_client, activity)

    assert response.json() == {"credits": [AMA_ABOVE_SESSIONS.format(maximum="3.00", hours="2.00")]}
    assert staff_client.get(f"{ACTIVITIES}{activity.id}/").json()["total_credit_hours"] == "2.00"


def test_publish_at_exactly_the_session_hours(staff_client, staff):
    activity = make_activity(staff=staff, credits=(("ama-pra-1", "2.00"),))
    make_session(activity, minutes=120)
    make_disclosed_person(activity)

    response = publish(staff_client, activity)

    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "published"


def test_publish_enduring_needs_window_and_estimate(staff_client, staff):
    activity = make_activity(staff=staff, activity_type="enduring")
    make_disclosed_person(activity)

    response = publish(staff_client, activity)

    assert response.json() == {"availability": [NO_WINDOW], "estimated_hours": [NO_ESTIMATED_HOURS]}


def test_publish_refuses_expired_disclosure(staff_client, staff):
    activity = make_activity(staff=staff)
    make_session(activity)
    role = make_disclosed_person(activity, name="Dr. Lapsed")
    role.person.disclosures.update(signed_on=timezone.localdate() - timedelta(days=400))
    role.person.disclosures.update(expires_on=timezone.localdate() - timedelta(days=35))

    response = publish(staff_client, activity)

    assert response.json() == {"disclosures": [NO_VALID_DISCLOSURE.format(name="Dr. Lapsed", day=timezone.localdate())]}


def test_publish_refuses_unreviewed_relationship(staff_client, staff):
    from activities.services import activity_disclosure_add

    activity = make_activity(staff=staff)
    make_session(activity)
    activity_disclosure_add(
        activity=activity, added_by=staff, role="planner", day=timezone.localdate(), name="Dr. Busy",
        disclosure={"signed_on": timezone.localdate(), "relationships": [{"company": "Acme Pharma",
                                                                          "nature": "consultant"}]},
    )  # fmt: skip

    response = publish(staff_client, activity)

    assert response.json() == {"mitigations": [NOT_REVIEWED.format(name="Dr. Busy", company="Acme Pharma")]}


def test_lifecycle_transitions(staff_client, staff):
    activity = make_published_activity(staff=staff)

    assert publish(staff_client, activity).status_code == HTTPStatus.CONFLICT
    assert staff_client.post(f"{ACTIVITIES}{activity.id}/close/").json()["status"] == "closed"
    assert staff_client.post(f"{ACTIVITIES}{activity.id}/close/").status_code == HTTPStatus.CONFLICT
    assert publish(staff_client, activity).status_code == HTTPStatus.CONFLICT
    draft = make_activity(staff=staff)
    response = staff_client.post(f"{ACTIVITIES}{draft.id}/close/")
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {"detail": "Only a published activity can be closed; this one is draft."}


def test_closed_activity_cannot_gain_sessions(staff_client, staff):
    activity = make_published_activity(staff=staff)
    staff_client.post(f"{ACTIVITIES}{activity.id}/close/")

    response = staff_client.post(
        sessions_url(activity), {"starts_at": "2026-12-01T12:00:00Z", "ends_at": "2026-12-01T13:00:00Z"}, format="json"
    )

    assert response.status_code == HTTPStatus.CONFLICT


# --- delete ---------------------------------------------------------------------------------------------


def test_delete_draft_without_records(staff_client, staff):
    activity = make_activity(staff=staff)
    make_session(activity)

    response = staff_client.delete(f"{ACTIVITIES}{activity.id}/")

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not Activity.objects.exists()
    assert Activity.history.filter(id=activity.id, history_type="-").exists()


def test_delete_with_attendance_is_a_conflict(staff_client, staff, clinician):
    from attendance.models import Attendance

    activity = make_published_activity(staff=staff)
    Attendance.objects.create(user=clinician, session=activity.sessions.get(), method="staff")

    response = staff_client.delete(f"{ACTIVITIES}{activity.id}/")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {"detail": HAS_RECORDS}
    assert Activity.objects.filter(pk=activity.pk).exists()


# --- designated in advance ------------------------------------------------------------------------------


def started_activity(staff):
    activity = make_activity(staff=staff)
    make_session(activity, starts_in_hours=-1, minutes=120)
    return activity


def test_designation_locked_once_started(staff_client, staff):
    activity = started_activity(staff)

    response = staff_client.patch(
        f"{ACTIVITIES}{activity.id}/", {"credits": [{"credit_type": "ama-pra-1", "max_credits": "1.00"}]}, format="json"
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json() == {"detail": DESIGNATION_LOCKED}
    assert CreditDesignation.objects.get(activity=activity, credit_type="ama-pra-1").max_credits == Decimal("2.00")


def test_designation_correction_with_reason_is_kept_in_history(staff_client, staff):
    activity = started_activity(staff)

    response = staff_client.patch(
        f"{ACTIVITIES}{activity.id}/",
        {"credits": [{"credit_type": "ama-pra-1", "max_credits": "1.50"}], "correction_reason": "Speaker ran short"},
        format="json",
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json()["credits"] == [{"credit_type": "ama-pra-1", "max_credits": "1.50"}]
    designation = CreditDesignation.objects.get(activity=activity, credit_type="ama-pra-1")
    latest = designation.history.first()
    assert latest.history_change_reason == "Speaker ran short"
    assert latest.history_user == staff
    assert not CreditDesignation.objects.filter(activity=activity, credit_type="participation").exists()


def test_other_fields_stay_editable_after_start(staff_client, staff):
    activity = started_activity(staff)

    response = staff_client.patch(f"{ACTIVITIES}{activity.id}/", {"description": "Updated"}, format="json")

    assert response.status_code == HTTPStatus.OK


def test_session_credit_hours_locked_once_started(staff_client, staff):
    activity = started_activity(staff)
    session = activity.sessions.get()

    refused = staff_client.patch(f"/api/v1/sessions/{session.id}/", {"credit_hours": "1.00"}, format="json")
    corrected = staff_client.patch(
        f"/api/v1/sessions/{session.id}/", {"credit_hours": "1.00", "correction_reason": "Shortened"}, format="json"
    )

    assert refused.status_code == HTTPStatus.CONFLICT
    assert corrected.status_code == HTTPStatus.OK
    assert corrected.json()["credit_hours"] == "1.00"
    assert session.history.first().history_change_reason == "Shortened"


# --- series -------------------------------------------------------------------------------------------


def test_rollover_creates_next_years_series(staff_client, staff):
    activity = make_activity(staff=staff, activity_type="rss", title="Medicine Grand Rounds 2026",
                             claim_deadline=timezone.datetime(2027, 1, 31).date())  # fmt: skip
    make_session(activity)
    make_disclosed_person(activity, name="Dr. Planner", role="planner")

    response = staff_client.post(f"{ACTIVITIES}{activity.id}/rollover/")

    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert body["title"] == "Medicine Grand Rounds 2027"
    assert body["status"] == "draft"
    assert body["sessions"] == []
    assert body["objectives"] == ["clinical-decision-making"]
    assert body["credits"] == [
        {"credit_type": "ama-pra-1", "max_credits": "2.00"},
        {"credit_type": "participation", "max_credits": "2.00"},
    ]
    assert body["previous_activity"] == activity.id
    assert body["claim_deadline"] == "2028-01-31"
    assert body["provider_activity_id"] != activity.provider_activity_id
    assert Activity.objects.get(pk=body["id"]).content_roles.get().person.name == "Dr. Planner"


def test_rollover_only_for_series(staff_client, staff):
    activity = make_activity(staff=staff)

    response = staff_client.post(f"{ACTIVITIES}{activity.id}/rollover/")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"activity_type": [NOT_A_SERIES]}


# --- catalog ----------------------------------------------------------------------------------------------


def ids(response):
    assert response.status_code == HTTPStatus.OK, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_drafts_hidden_from_the_public(anon_client, clinician_client, staff_client, accreditation_client, staff):
    draft = make_activity(staff=staff, title="Draft")
    published = make_published_activity(staff=staff, title="Published")

    assert ids(anon_client.get(ACTIVITIES)) == [published.id]
    assert ids(clinician_client.get(ACTIVITIES)) == [published.id]
    assert ids(staff_client.get(ACTIVITIES)) == sorted([draft.id, published.id])
    assert ids(accreditation_client.get(ACTIVITIES)) == sorted([draft.id, published.id])
    assert anon_client.get(f"{ACTIVITIES}{draft.id}/").status_code == HTTPStatus.NOT_FOUND
    assert clinician_client.get(f"{sessions_url(draft)}").status_code == HTTPStatus.NOT_FOUND


def test_filter_by_objectives_any_of(anon_client, staff):
    cdm = make_published_activity(staff=staff, objectives=["clinical-decision-making"])
    policy = make_published_activity(staff=staff, objectives=["health-policy", "new-findings"])
    make_published_activity(staff=staff, objectives=["patient-management"])

    assert ids(anon_client.get(ACTIVITIES, {"objective": "health-policy"})) == [policy.id]
    assert ids(anon_client.get(f"{ACTIVITIES}?objective=health-policy&objective=clinical-decision-making")) == sorted(
        [cdm.id, policy.id]
    )
    assert anon_client.get(ACTIVITIES, {"objective": "astrology"}).status_code == HTTPStatus.BAD_REQUEST


def test_filter_by_type_dates_search_status(anon_client, staff):
    soon = make_published_activity(staff=staff, title="Heart failure", starts_in_hours=24)
    later = make_published_activity(staff=staff, title="Stroke", starts_in_hours=24 * 40, activity_type="internet-live")
    enduring = make_enduring_activity(staff=staff, title="Opioid prescribing module")
    today = timezone.localdate()

    assert ids(anon_client.get(ACTIVITIES, {"activity_type": "internet-live"})) == [later.id]
    assert ids(anon_client.get(ACTIVITIES, {"starts_after": str(today + timedelta(days=20))})) == [later.id]
    assert ids(anon_client.get(ACTIVITIES, {"starts_before": str(today + timedelta(days=2))})) == sorted(
        [soon.id, enduring.id]
    )
    assert ids(anon_client.get(ACTIVITIES, {"search": "opioid"})) == [enduring.id]
    assert ids(anon_client.get(ACTIVITIES, {"search": "HEART"})) == [soon.id]
    assert ids(anon_client.get(ACTIVITIES, {"status": "published"})) == sorted([soon.id, later.id, enduring.id])
    assert anon_client.get(ACTIVITIES, {"starts_after": "not-a-date"}).status_code == HTTPStatus.BAD_REQUEST


def test_ordered_by_first_session(anon_client, staff):
    later = make_published_activity(staff=staff, starts_in_hours=24 * 10)
    sooner = make_published_activity(staff=staff, starts_in_hours=24)

    rows = anon_client.get(ACTIVITIES).json()["results"]

    assert [row["id"] for row in rows] == [sooner.id, later.id]


@pytest.mark.parametrize("page_size", [10, 200])
def test_list_query_count_is_constant(anon_client, staff, django_assert_max_num_queries, page_size):
    for index in range(12):
        make_published_activity(staff=staff, sessions=2, starts_in_hours=24 + index)

    with django_assert_max_num_queries(7):
        response = anon_client.get(ACTIVITIES, {"page_size": page_size})

    assert len(response.json()["results"]) == min(page_size, 12)


def test_pagination_shape_and_cap(anon_client, staff):
    make_published_activity(staff=staff)

    body = anon_client.get(ACTIVITIES, {"page_size": 500}).json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1


# --- disclosures ----------------------------------------------------------------------------------------


def disclosures_url(activity):
    return f"{ACTIVITIES}{activity.id}/disclosures/"


def test_staff_adds_a_person_with_disclosure_and_mitigation(staff_client, staff):
    activity = make_activity(staff=staff)
    today = timezone.localdate()

    response = staff_client.post(
        disclosures_url(activity),
        {
            "name": "Dr. Jane Roe", "email": "roe@example.org", "degree": "MD", "role": "faculty",
            "disclosure": {"signed_on": str(today), "relationships": [
                {"company": "Acme Pharma", "nature": "consultant"}, {"company": "Beta Devices", "nature": "speaker"}]},
            "mitigations": [
                {"company": "Acme Pharma", "relevant": True, "mitigation": "Slides peer reviewed"},
                {"company": "beta devices", "relevant": False},
            ],
        },
        format="json",
    )  # fmt: skip

    assert response.status_code == HTTPStatus.CREATED, response.json()
    body = response.json()
    assert body["status"] == "complete"
    assert body["person"]["name"] == "Dr. Jane Roe"
    assert body["disclosure"]["expires_on"] == str(today.replace(year=today.year + 1))
    assert [(r["company"], r["relevant"], r["mitigation"]) for r in body["relationships"]] == [
        ("Acme Pharma", True, "Slides peer reviewed"),
        ("Beta Devices", False, ""),
    ]


def test_relevant_relationship_needs_a_mitigation(staff_client, staff):
    activity = make_activity(staff=staff)

    response = staff_client.post(
        disclosures_url(activity),
        {"name": "Dr. X", "role": "planner",
         "disclosure": {"signed_on": str(timezone.localdate()), "relationships": [{"company": "Acme",
                                                                                   "nature": "advisor"}]},
         "mitigations": [{"company": "Acme", "relevant": True, "mitigation": ""}]},
        format="json",
    )  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"mitigation": ["Describe how this relevant relationship was mitigated."]}
    assert not activity.content_roles.exists()


def test_learners_see_the_summary_staff_see_everything(anon_client, staff_client, accreditation_client, staff):
    activity = make_published_activity(staff=staff)
    make_disclosed_person(activity, name="Dr. Conflicted", relationships=[("Acme Pharma", "speaker")])

    public = anon_client.get(disclosures_url(activity)).json()["results"]
    full = staff_client.get(disclosures_url(activity)).json()["results"]

    conflicted = {
        "name": "Dr. Conflicted",
        "role": "faculty",
        "relationships": [{"company": "Acme Pharma", "nature": "speaker"}],
        "statement": "All relevant financial relationships have been mitigated.",
    }
    unconflicted = {
        "name": "Dr. Faculty Member",
        "role": "faculty",
        "relationships": [],
        "statement": "Has no relevant financial relationships with ineligible companies.",
    }
    assert public == [conflicted, unconflicted]
    assert [entry["status"] for entry in full] == ["complete", "complete"]
    assert full[0]["relationships"][0]["mitigation"] == "Content peer reviewed for bias."
    assert accreditation_client.get(disclosures_url(activity)).json()["results"] == full


def test_record_mitigation_later(staff_client, staff):
    from activities.services import activity_disclosure_add

    activity = make_activity(staff=staff)
    role = activity_disclosure_add(
        activity=activity, added_by=staff, role="reviewer", day=timezone.localdate(), name="Dr. Later",
        disclosure={"signed_on": timezone.localdate(), "relationships": [{"company": "Gamma", "nature": "grants"}]},
    )  # fmt: skip
    relationship = role.person.disclosures.get().relationships.get()

    response = staff_client.patch(
        f"{disclosures_url(activity)}{role.id}/",
        {"mitigations": [{"relationship": relationship.id, "relevant": True, "mitigation": "Recused from topic"}]},
        format="json",
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "complete"


def test_expiring_disclosures(staff_client, staff):
    activity = make_activity(staff=staff)
    soon = make_disclosed_person(activity, name="Dr. Soon")
    make_disclosed_person(activity, name="Dr. Fresh")
    soon.person.disclosures.update(
        signed_on=timezone.localdate() - timedelta(days=350), expires_on=timezone.localdate() + timedelta(days=10)
    )

    default = staff_client.get("/api/v1/disclosures/expiring/").json()["results"]
    narrow = staff_client.get("/api/v1/disclosures/expiring/", {"days": 5}).json()["results"]

    assert [row["person"]["name"] for row in default] == ["Dr. Soon"]
    assert default[0]["activities"] == [activity.id]
    assert narrow == []
    assert staff_client.get("/api/v1/disclosures/expiring/", {"days": "x"}).status_code == HTTPStatus.BAD_REQUEST


def test_people_and_their_disclosures(staff_client):
    person = staff_client.post("/api/v1/people/", {"name": "Dr. Person", "email": "p@example.org"}, format="json")
    assert person.status_code == HTTPStatus.CREATED

    disclosure = staff_client.post(
        f"/api/v1/people/{person.json()['id']}/disclosures/",
        {"signed_on": "2026-02-28", "relationships": []},
        format="json",
    )

    assert disclosure.status_code == HTTPStatus.CREATED
    assert disclosure.json() == {
        "id": disclosure.json()["id"],
        "signed_on": "2026-02-28",
        "expires_on": "2027-02-28",
        "relationships": [],
    }
    bad = staff_client.post(
        f"/api/v1/people/{person.json()['id']}/disclosures/",
        {"signed_on": "2026-02-28", "relationships": [{"company": "Acme", "nature": "friend"}]},
        format="json",
    )
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert "relationships" in bad.json()


# --- commercial support --------------------------------------------------------------------------------


def test_commercial_support(staff_client, accreditation_client, clinician_client, anon_client, staff):
    activity = make_published_activity(staff=staff)
    url = f"{ACTIVITIES}{activity.id}/commercial-support/"

    created = staff_client.post(url, {"company": "Acme Pharma", "amount": "5000.00", "in_kind": ""}, format="json")
    refused = staff_client.post(url, {"company": "Nothing Inc", "amount": "0"}, format="json")

    assert created.status_code == HTTPStatus.CREATED
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert refused.json() == {"amount": ["Give a monetary amount or describe the in-kind support."]}
    rows = accreditation_client.get(url).json()["results"]
    assert [(row["company"], row["amount"]) for row in rows] == [("Acme Pharma", "5000.00")]
    assert accreditation_client.post(url, {"company": "X", "amount": "1"}, format="json").status_code == 403
    assert clinician_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert anon_client.get(url).status_code == HTTPStatus.UNAUTHORIZED


def test_new_user_sees_nothing_private(db):
    assert UserFactory().roles == {"clinician"}


def test_staff_may_choose_the_provider_activity_id(staff_client):
    first = staff_client.post(ACTIVITIES, activity_body(provider_activity_id="GR-MED-2026"), format="json")
    duplicate = staff_client.post(ACTIVITIES, activity_body(provider_activity_id="GR-MED-2026"), format="json")

    assert first.status_code == HTTPStatus.CREATED
    assert first.json()["provider_activity_id"] == "GR-MED-2026"
    assert duplicate.status_code == HTTPStatus.BAD_REQUEST
    assert "provider_activity_id" in duplicate.json()
    assert Activity.objects.count() == 1
    history = Activity.objects.get().history.order_by("history_id")
    assert [(row.history_type, row.provider_activity_id) for row in history] == [("+", "GR-MED-2026")]


def test_numbered_id_is_in_the_history(staff_client):
    response = staff_client.post(ACTIVITIES, activity_body(), format="json")

    latest = Activity.objects.get().history.first()
    assert latest.provider_activity_id == response.json()["provider_activity_id"]


def test_provider_activity_id_frozen_once_exported(staff_client, staff):
    activity = make_activity(staff=staff)
    Activity.objects.filter(pk=activity.pk).update(pars_exported_at=timezone.now())

    response = staff_client.patch(f"{ACTIVITIES}{activity.id}/", {"provider_activity_id": "NEW-ID"}, format="json")

    assert response.status_code == HTTPStatus.CONFLICT
    activity.refresh_from_db()
    assert activity.provider_activity_id != "NEW-ID"
