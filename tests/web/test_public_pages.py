"""Pages for everyone, and the accounts pages: they render, filter, and keep to the CSP."""

import re
from http import HTTPStatus

import pytest
from django.core import mail

from accounts.services import EMAIL_TAKEN
from tests.factories import DEFAULT_PASSWORD, make_activity, make_enduring_activity, make_published_activity
from tests.web.conftest import page_title, text_of
from web.views.accounts import LOCKED_OUT

pytestmark = pytest.mark.django_db


def test_home_lists_upcoming_activities(anon, live_activity):
    response = anon.get("/")

    assert response.status_code == HTTPStatus.OK
    assert "Grand rounds: sepsis update" in text_of(response)
    assert page_title(response.content.decode()).startswith("Continuing medical education")


def test_catalog_filters_by_objective_type_date_and_search(anon, live_activity):
    make_published_activity(title="Opioid stewardship", objectives=("health-policy",))
    make_enduring_activity(title="Heart failure module")

    everything = text_of(anon.get("/activities/"))
    by_objective = text_of(anon.get("/activities/?objective=health-policy"))
    by_type = text_of(anon.get("/activities/?activity_type=internet-enduring"))
    by_search = text_of(anon.get("/activities/?search=sepsis"))

    assert all(title in everything for title in ("Grand rounds", "Opioid stewardship", "Heart failure module"))
    assert "Opioid stewardship" in by_objective and "Grand rounds" not in by_objective
    assert "Heart failure module" in by_type and "Opioid stewardship" not in by_type
    assert "Grand rounds: sepsis update" in by_search and "Opioid" not in by_search


def test_catalog_hides_drafts_from_learners_but_not_from_staff(anon, staff_web):
    make_activity(title="Secret draft")

    assert "Secret draft" not in text_of(anon.get("/activities/"))
    assert "Secret draft" in text_of(staff_web.get("/activities/"))


def test_activity_page_shows_sessions_in_its_time_zone_credits_and_disclosures(anon, live_activity):
    response = anon.get(f"/activities/{live_activity.pk}/")

    text = text_of(response)
    assert response.status_code == HTTPStatus.OK
    assert re.search(r"\d{1,2}:\d{2}( [AP]M)? – \d{1,2}:\d{2} [AP]M C[SD]T", text), text
    assert "1.00 AMA PRA Category 1 Credit™" in text
    assert "Dr. Faculty Member (Faculty)" in text
    assert "Has no relevant financial relationships with ineligible companies." in text


def test_draft_activity_page_is_404_for_learners(clinician_web):
    draft = make_activity(title="Not yet")

    assert clinician_web.get(f"/activities/{draft.pk}/").status_code == HTTPStatus.NOT_FOUND


def test_unknown_page_is_a_friendly_404(anon):
    response = anon.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in text_of(response)


# --- accounts -----------------------------------------------------------------------------------


def signup_data(**changes):
    return {"first_name": "Zoë", "last_name": "Ångström", "email": "zoe@example.org",
            "password": "a-long-passphrase-42", "degree": "MD", "npi": "", "specialty": "", **changes}  # fmt: skip


def test_signup_registers_a_clinician_logs_in_and_returns_to_next(anon):
    response = anon.post("/signup/?next=/checkin/ABC234/", {**signup_data(), "next": "/checkin/ABC234/"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/checkin/ABC234/"
    assert anon.get("/my/credits/").status_code == HTTPStatus.OK


def test_signup_refusal_is_shown_next_to_the_field(anon, clinician):
    response = anon.post("/signup/", signup_data(email=clinician.email.upper(), npi="1234567890"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert re.search(r'id="id_email_error">\s*<span>' + re.escape(EMAIL_TAKEN), html)
    assert 'aria-describedby="id_email_error"' in html
    assert 'aria-invalid="true"' in html


def test_signup_page_has_labels_and_autocomplete(anon):
    html = anon.get("/signup/").content.decode()

    for name in ("first_name", "last_name", "email", "password", "degree", "npi", "specialty"):
        assert f'<label for="id_{name}">' in html
    assert 'autocomplete="new-password"' in html and 'autocomplete="email"' in html


def test_login_with_email_and_password(anon, clinician):
    page = anon.get("/login/")
    response = anon.post("/login/", {"username": clinician.email, "password": DEFAULT_PASSWORD})

    assert '<label for="id_username">Email</label>' in page.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/my/credits/"


def test_wrong_password_is_refused_with_a_message(anon, clinician):
    response = anon.post("/login/", {"username": clinician.email, "password": "wrong"})

    assert response.status_code == HTTPStatus.OK
    assert "Please enter a correct email and password" in text_of(response)


def test_lockout_after_repeated_failures_is_explained(anon, clinician, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anon.post("/login/", {"username": clinician.email, "password": "wrong"})

    response = anon.post("/login/", {"username": clinician.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert LOCKED_OUT in text_of(response)
    assert "<form" in response.content.decode()


def test_logout_is_a_post(clinician_web):
    assert clinician_web.get("/logout/").status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = clinician_web.post("/logout/")

    assert response.status_code == HTTPStatus.FOUND
    assert clinician_web.get("/my/credits/").status_code == HTTPStatus.FOUND


def test_password_reset_emails_a_link_that_works(anon, clinician):
    response = anon.post("/password-reset/", {"email": clinician.email})

    assert response["Location"] == "/password-reset/done/"
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    form = anon.get(link, follow=True)
    assert "Choose a new password" in text_of(form)
    done = anon.post(form.redirect_chain[-1][0], {"new_password1": "another-passphrase-77",
                                                  "new_password2": "another-passphrase-77"})  # fmt: skip
    assert done["Location"] == "/password-reset/complete/"
    clinician.refresh_from_db()
    assert clinician.check_password("another-passphrase-77")


def test_password_reset_is_throttled(anon, clinician, settings):
    for _ in range(5):
        anon.post("/password-reset/", {"email": clinician.email})

    response = anon.post("/password-reset/", {"email": clinician.email})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert len(mail.outbox) == 5


# --- verification ---------------------------------------------------------------------------------


def test_verify_page_with_a_code_box(anon):
    response = anon.get("/verify/")

    assert response.status_code == HTTPStatus.OK
    assert '<label for="id_code">Verification code</label>' in response.content.decode()
    assert anon.get("/verify/?code=abcd-efgh").headers["Location"] == "/verify/ABCDEFGH/"
    assert anon.get("/verify/0000000000000000/").status_code == HTTPStatus.NOT_FOUND


def test_enduring_activity_shows_its_availability(anon):
    activity = make_enduring_activity(title="Heart failure module")

    assert "Available " in text_of(anon.get(f"/activities/{activity.pk}/"))


def test_catalog_hides_past_activities_unless_asked(anon):
    make_published_activity(title="Last week's rounds", starts_in_hours=-24 * 7)

    assert "Last week's rounds" not in text_of(anon.get("/activities/"))
    assert "Last week's rounds" in text_of(anon.get("/activities/?past=on"))
