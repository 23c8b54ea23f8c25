from datetime import date, timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.services import role_grant
from activities.models import (
    Activity,
    ActivityStatus,
    ContentPerson,
    Disclosure,
    Mitigation,
    Provider,
    Session,
)
from activities.services import disclosure_record, provider_current
from activities.services.activities import NO_CREDITS, NO_SESSIONS
from activities.services.disclosures import NO_PEOPLE, RELATIONSHIP_NOT_IN_FORCE
from activities.services.sessions import CHECKIN_ALPHABET
from tests.factories import UserFactory, make_activity, make_published_activity

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:activities_activity_changelist")
ADD = reverse("admin:activities_activity_add")
INLINE_PREFIXES = ("sessions", "designations", "content_roles", "commercial_support")


def change_url(activity) -> str:
    return reverse("admin:activities_activity_change", args=[activity.pk])


def admin_user(role: str, **fields):
    """A user given the role the way the service gives it (which opens the admin site)."""
    user = UserFactory(**fields)
    role_grant(user=user, role=role)
    return user


@pytest.fixture
def staff_client(client):
    client.force_login(admin_user(Role.CME_STAFF, email="sofia@example.org"))
    return client


@pytest.fixture
def accreditation_client(client):
    client.force_login(admin_user(Role.ACCREDITATION, email="henry@example.org"))
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def empty_inlines() -> dict[str, str]:
    management = {}
    for prefix in INLINE_PREFIXES:
        management |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return management


def activity_form(activity, **changes) -> dict:
    """The change form of an activity with its designations as they are and no other inline rows."""
    designations = list(activity.designations.all())
    form = {
        "title": activity.title,
        "activity_type": activity.activity_type_id,
        "objectives": list(activity.objectives.values_list("slug", flat=True)),
        "time_zone": activity.time_zone,
        "provider_activity_id": activity.provider_activity_id,
        "location": activity.location,
        **empty_inlines(),
        "designations-TOTAL_FORMS": str(len(designations)),
        "designations-INITIAL_FORMS": str(len(designations)),
    }
    for index, designation in enumerate(designations):
        form |= {
            f"designations-{index}-id": designation.pk,
            f"designations-{index}-activity": activity.pk,
            f"designations-{index}-credit_type": designation.credit_type_id,
            f"designations-{index}-max_credits": designation.max_credits,
        }
    return form | changes


def new_session(day: date, starts: str, ends: str, break_minutes: int = 0) -> dict:
    return {
        "sessions-TOTAL_FORMS": "1",
        "sessions-0-starts_at_0": day.isoformat(),
        "sessions-0-starts_at_1": starts,
        "sessions-0-ends_at_0": day.isoformat(),
        "sessions-0-ends_at_1": ends,
        "sessions-0-break_minutes": str(break_minutes),
    }


# --- Permissions granted after migrate --------------------------------------------------------------


def test_staff_group_may_delete_catalog_rows_but_never_learner_records():
    codenames = set(Group.objects.get(name=Role.CME_STAFF).permissions.values_list("codename", flat=True))

    assert {"add_activity", "change_activity", "delete_activity", "view_activity", "delete_session"} <= codenames
    assert {"add_attendance", "change_claim", "view_certificate", "view_historicalactivity"} <= codenames
    assert not {"delete_attendance", "delete_claim", "delete_certificate"} & codenames
    assert not {c for c in codenames if "historical" in c and not c.startswith("view_")}


def test_accreditation_group_only_views():
    codenames = set(Group.objects.get(name=Role.ACCREDITATION).permissions.values_list("codename", flat=True))

    expected = {"view_activity", "view_attendance", "view_claim", "view_certificate", "view_report", "view_user"}
    assert expected <= codenames
    assert all(codename.startswith("view_") for codename in codenames)


def test_the_grant_runs_again_without_duplicates():
    from django.apps import apps

    from accounts.signals import role_permissions_grant

    group = Group.objects.get(name=Role.CME_STAFF)
    before = group.permissions.count()
    for app_config in apps.get_app_configs():
        role_permissions_grant(sender=app_config, app_config=app_config)

    assert group.permissions.count() == before


# --- Activities -------------------------------------------------------------------------------------


def test_staff_open_the_changelist_and_filter_by_objective(staff_client):
    policy = make_activity(title="Health policy update", objectives=("health-policy",))
    make_activity(title="Sepsis update", objectives=("clinical-decision-making",))

    everything = staff_client.get(CHANGELIST)
    filtered = staff_client.get(CHANGELIST, {"objectives__slug__exact": "health-policy"})

    assert everything.status_code == HTTPStatus.OK
    assert everything.context["cl"].result_count == 2
    assert filtered.status_code == HTTPStatus.OK
    assert list(filtered.context["cl"].result_list) == [policy]


def test_staff_filter_by_start_and_search(staff_client):
    soon = make_published_activity(title="Soon", starts_in_hours=48)
    make_activity(title="Undated")

    upcoming = staff_client.get(CHANGELIST, {"starts": "next7"})
    undated = staff_client.get(CHANGELIST, {"starts": "none"})
    searched = staff_client.get(CHANGELIST, {"q": soon.provider_activity_id})

    assert list(upcoming.context["cl"].result_list) == [soon]
    assert [a.title for a in undated.context["cl"].result_list] == ["Undated"]
    assert list(searched.context["cl"].result_list) == [soon]


def test_staff_open_the_change_add_and_history_pages(staff_client):
    activity = make_published_activity()

    assert staff_client.get(change_url(activity)).status_code == HTTPStatus.OK
    assert staff_client.get(ADD).status_code == HTTPStatus.OK
    history = reverse("admin:activities_activity_history", args=[activity.pk])
    assert staff_client.get(history).status_code == HTTPStatus.OK


def test_publish_action_reports_each_missing_piece_and_leaves_the_draft(staff_client):
    draft = make_activity(title="Incomplete", credits=())

    response = staff_client.post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": [draft.pk]}, follow=True
    )

    assert response.status_code == HTTPStatus.OK
    label = f"{draft.provider_activity_id} “Incomplete”"
    assert messages_of(response) == [f"{label}: {NO_CREDITS}", f"{label}: {NO_SESSIONS}", f"{label}: {NO_PEOPLE}"]
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (ActivityStatus.DRAFT, None)


def test_close_action_closes_a_published_activity_and_refuses_a_draft(staff_client):
    published = make_published_activity(title="Done")
    draft = make_activity(title="Not yet")

    response = staff_client.post(
        CHANGELIST, {"action": "close_selected", "_selected_action": [published.pk, draft.pk]}, follow=True
    )

    assert messages_of(response) == [
        f"{draft.provider_activity_id} “Not yet”: Only a published activity can be closed; this one is draft.",
        "1 activity closed.",
    ]
    published.refresh_from_db()
    assert published.status == ActivityStatus.CLOSED
    assert published.history.latest().history_user.email == "sofia@example.org"
    # A closed activity is kept as it was: the page is read-only.
    assert staff_client.post(change_url(published), {"title": "Renamed"}).status_code == HTTPStatus.FORBIDDEN


def test_adding_an_activity_with_a_session_goes_through_the_services(staff_client):
    starts = timezone.localtime() + timedelta(days=3)
    starts = starts.replace(hour=9, minute=0, second=0, microsecond=0)
    form = {
        "title": "Stroke update",
        "activity_type": "course",
        "objectives": ["clinical-decision-making"],
        "time_zone": "America/New_York",
        "evaluation_required": "on",
        "designed_to_change_competence": "on",
        "evaluated_competence": "on",
        **empty_inlines(),
        "sessions-TOTAL_FORMS": "1",
        "sessions-0-starts_at_0": starts.strftime("%Y-%m-%d"),
        "sessions-0-starts_at_1": "09:00:00",
        "sessions-0-ends_at_0": starts.strftime("%Y-%m-%d"),
        "sessions-0-ends_at_1": "11:10:00",
        "sessions-0-break_minutes": "10",
        "designations-TOTAL_FORMS": "1",
        "designations-0-credit_type": "ama-pra-1",
        "designations-0-max_credits": "2.00",
    }

    response = staff_client.post(ADD, form)

    assert response.status_code == HTTPStatus.FOUND, response.context and response.context["errors"]
    activity = Activity.objects.get(title="Stroke update")
    session = activity.sessions.get()
    assert activity.provider_activity_id == f"CME-{activity.pk:06d}"
    assert activity.status == ActivityStatus.DRAFT
    assert activity.created_by.email == "sofia@example.org"
    assert session.credit_hours == Decimal("2.00")  # 2 h 10 min minus a 10-minute break
    assert len(session.checkin_code) == 6 and set(session.checkin_code) <= set(CHECKIN_ALPHABET)
    assert (activity.starts_at, activity.ends_at) == (session.starts_at, session.ends_at)
    assert activity.designations.get().max_credits == Decimal("2.00")
    assert session.history.get().history_user.email == "sofia@example.org"


def test_changing_an_activity_and_adding_a_session_go_through_the_services(staff_client):
    activity = make_activity(title="Sepsis update", location="Boston, MA")
    day = timezone.localdate() + timedelta(days=5)
    form = activity_form(activity, title="Sepsis update 2.0", **new_session(day, "09:00:00", "11:00:00"))

    response = staff_client.post(change_url(activity), form)

    assert response.status_code == HTTPStatus.FOUND
    activity.refresh_from_db()
    session = activity.sessions.get()
    assert activity.title == "Sepsis update 2.0"
    assert activity.history.latest().history_user.email == "sofia@example.org"
    assert session.credit_hours == Decimal("2.00")
    assert activity.starts_at == session.starts_at
    assert timezone.localtime(session.starts_at).hour == 9


def test_a_session_refused_by_the_service_rules_shows_on_the_form(staff_client):
    activity = make_activity(title="Too long", activity_type="course")
    day = timezone.localdate() + timedelta(days=5)
    form = activity_form(activity, **new_session(day, "09:00:00", "10:00:00", break_minutes=60))

    response = staff_client.post(change_url(activity), form)

    assert response.status_code == HTTPStatus.OK
    assert "Breaks cannot be as long as the session." in response.content.decode()
    assert not Session.objects.exists()


def test_designations_are_read_only_once_the_activity_has_begun(staff_client):
    activity = make_published_activity(starts_in_hours=-1, minutes=120)

    page = staff_client.get(change_url(activity))

    designations = next(f for f in page.context["inline_admin_formsets"] if f.formset.prefix == "designations")
    assert designations.has_change_permission is False
    assert designations.has_add_permission is False


def test_accreditation_views_but_does_not_change(accreditation_client):
    activity = make_published_activity(title="Audited")

    assert accreditation_client.get(CHANGELIST).status_code == HTTPStatus.OK
    page = accreditation_client.get(change_url(activity))
    assert page.status_code == HTTPStatus.OK
    assert page.context["has_change_permission"] is False
    assert accreditation_client.get(ADD).status_code == HTTPStatus.FORBIDDEN
    assert accreditation_client.post(change_url(activity), {"title": "Changed"}).status_code == HTTPStatus.FORBIDDEN
    accreditation_client.post(CHANGELIST, {"action": "close_selected", "_selected_action": [activity.pk]})
    activity.refresh_from_db()
    assert (activity.title, activity.status) == ("Audited", ActivityStatus.PUBLISHED)


def test_history_cannot_be_reverted(staff_client):
    activity = make_published_activity()
    version = activity.history.earliest()
    url = reverse("admin:activities_activity_simple_history", args=[activity.pk, version.history_id])

    assert staff_client.get(url).status_code == HTTPStatus.OK
    assert staff_client.post(url, {"title": "Reverted"}).status_code == HTTPStatus.FORBIDDEN


# --- Provider, reference data, disclosures ------------------------------------------------------------


def test_the_provider_is_one_row_that_cannot_be_added_or_deleted(staff_client):
    provider = provider_current()

    listing = staff_client.get(reverse("admin:activities_provider_changelist"))

    assert listing.status_code == HTTPStatus.FOUND
    assert listing["Location"] == reverse("admin:activities_provider_change", args=[provider.pk])
    assert staff_client.get(listing["Location"]).status_code == HTTPStatus.OK
    assert staff_client.get(reverse("admin:activities_provider_add")).status_code == HTTPStatus.FORBIDDEN
    delete = reverse("admin:activities_provider_delete", args=[provider.pk])
    assert staff_client.get(delete).status_code == HTTPStatus.FORBIDDEN
    assert Provider.objects.count() == 1


def test_reference_data_is_viewed_by_staff_and_added_by_superusers(staff_client, client):
    assert staff_client.get(reverse("admin:activities_objective_changelist")).status_code == HTTPStatus.OK
    assert staff_client.get(reverse("admin:activities_objective_add")).status_code == HTTPStatus.FORBIDDEN

    superuser = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get(reverse("admin:activities_objective_add")).status_code == HTTPStatus.OK


def test_a_disclosure_added_in_the_admin_expires_after_twelve_months(staff_client):
    person = ContentPerson.objects.create(name="Dr. New Faculty")
    form = {
        "person": person.pk,
        "signed_on": "2026-01-31",
        "relationships-TOTAL_FORMS": "1",
        "relationships-INITIAL_FORMS": "0",
        "relationships-0-company": "Northwind Pharmaceuticals",
        "relationships-0-nature": "consultant",
    }

    response = staff_client.post(reverse("admin:activities_disclosure_add"), form)

    assert response.status_code == HTTPStatus.FOUND
    disclosure = Disclosure.objects.get(person=person)
    assert (disclosure.signed_on, disclosure.expires_on) == (date(2026, 1, 31), date(2027, 1, 31))
    assert [str(r) for r in disclosure.relationships.all()] == ["Northwind Pharmaceuticals (Consultant)"]


def test_a_disclosure_added_on_the_persons_page_expires_after_twelve_months(staff_client):
    form = {
        "name": "Dr. Another Faculty",
        "disclosures-TOTAL_FORMS": "1",
        "disclosures-INITIAL_FORMS": "0",
        "disclosures-0-signed_on": "2024-02-29",
    }

    response = staff_client.post(reverse("admin:activities_contentperson_add"), form)

    assert response.status_code == HTTPStatus.FOUND
    disclosure = Disclosure.objects.get(person__name="Dr. Another Faculty")
    assert disclosure.expires_on == date(2025, 2, 28)


def test_a_mitigation_the_service_refuses_is_reported_and_nothing_is_saved(staff_client):
    activity = make_activity()
    outsider = ContentPerson.objects.create(name="Dr. Not In This Activity")
    relationship = disclosure_record(
        person=outsider,
        signed_on=timezone.localdate() - timedelta(days=10),
        relationships=[{"company": "Fabrikam Biologics", "nature": "speaker"}],
    ).relationships.get()
    form = {"activity": activity.pk, "relationship": relationship.pk, "relevant": "on", "mitigation": "Reviewed."}

    response = staff_client.post(reverse("admin:activities_mitigation_add"), form, follow=True)

    assert messages_of(response) == [RELATIONSHIP_NOT_IN_FORCE.format(id=relationship.pk)]
    assert not Mitigation.objects.exists()


def _png(size: int) -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (size, size), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _provider_form(provider, signature) -> dict:
    return {
        "name": provider.name,
        "accreditation_statement": provider.accreditation_statement,
        "director_name": provider.director_name,
        "director_title": provider.director_title,
        "public_base_url": provider.public_base_url,
        "time_zone": provider.time_zone,
        "director_signature": signature,
    }


def test_the_signature_upload_is_a_small_png_or_jpeg(staff_client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    provider = provider_current()
    url = reverse("admin:activities_provider_change", args=[provider.pk])
    noise = bytes(range(256)) * 5000  # 1.28 MB appended to a valid PNG
    too_large = SimpleUploadedFile("signature.png", _png(20) + noise, content_type="image/png")
    gif = SimpleUploadedFile("signature.gif", _png(20), content_type="image/gif")

    refused = [staff_client.post(url, _provider_form(provider, upload)) for upload in (too_large, gif)]
    accepted = staff_client.post(url, _provider_form(provider, SimpleUploadedFile("s.png", _png(20))))

    assert [r.status_code for r in refused] == [HTTPStatus.OK, HTTPStatus.OK]  # the form again, with errors
    assert "at most 1 MB" in refused[0].content.decode()
    assert "File extension" in refused[1].content.decode()
    assert accepted.status_code == HTTPStatus.FOUND
    provider.refresh_from_db()
    assert provider.director_signature.name.endswith(".png")
