"""The admin keeps the services' rules: session deletes, people in control of content, history pages."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import ContentPerson, ContentRole, Mitigation, Session
from activities.services import disclosure_record
from activities.services.disclosures import NOT_REVIEWED
from activities.services.sessions import SESSION_DELETE_LOCKED, SESSION_HAS_ATTENDANCE, session_delete
from attendance.models import Attendance
from cme.exceptions import Conflict
from tests.activities.test_admin import activity_form, admin_user, change_url, messages_of
from tests.factories import make_activity, make_disclosed_person, make_published_activity, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_member(db):
    return admin_user("cme_staff", email="sofia@example.org")


@pytest.fixture
def admin_client(client, staff_member):
    client.force_login(staff_member)
    return client


def with_sessions(activity, *, delete: Session) -> dict:
    """The change form with every existing session as an inline row, `delete` marked for deletion."""
    rows = {"sessions-TOTAL_FORMS": "0", "sessions-INITIAL_FORMS": "0"}
    sessions = list(activity.sessions.all())
    rows |= {"sessions-TOTAL_FORMS": str(len(sessions)), "sessions-INITIAL_FORMS": str(len(sessions))}
    for index, session in enumerate(sessions):
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        rows |= {
            f"sessions-{index}-id": session.pk,
            f"sessions-{index}-activity": activity.pk,
            f"sessions-{index}-title": session.title,
            f"sessions-{index}-starts_at_0": starts.strftime("%Y-%m-%d"),
            f"sessions-{index}-starts_at_1": starts.strftime("%H:%M:%S"),
            f"sessions-{index}-ends_at_0": ends.strftime("%Y-%m-%d"),
            f"sessions-{index}-ends_at_1": ends.strftime("%H:%M:%S"),
            f"sessions-{index}-break_minutes": session.break_minutes,
            f"sessions-{index}-credit_hours": session.credit_hours,
            f"sessions-{index}-parallel_group": session.parallel_group,
        }
        if session == delete:
            rows[f"sessions-{index}-DELETE"] = "on"
    return activity_form(activity) | rows


def test_the_admin_refuses_to_delete_a_session_after_the_activity_began(admin_client):
    activity = make_published_activity(sessions=2, starts_in_hours=-1)
    later = activity.sessions.last()

    response = admin_client.post(change_url(activity), with_sessions(activity, delete=later), follow=True)

    assert response.status_code == HTTPStatus.OK
    assert messages_of(response) == [SESSION_DELETE_LOCKED]
    assert activity.sessions.count() == 2


def test_the_admin_refuses_to_delete_a_session_with_attendance(admin_client, clinician):
    activity = make_activity()
    session = make_session(activity)
    Attendance.objects.create(user=clinician, session=session, method="staff")

    response = admin_client.post(change_url(activity), with_sessions(activity, delete=session), follow=True)

    # The inline formset itself refuses to delete a row that attendance protects: an error, not a 500.
    assert response.status_code == HTTPStatus.OK
    assert "would require deleting the following protected related objects" in str(response.context["errors"])
    assert Session.objects.filter(pk=session.pk).exists()


def test_the_session_delete_service_refuses_a_session_with_attendance(clinician, staff_member):
    activity = make_activity()
    session = make_session(activity)
    Attendance.objects.create(user=clinician, session=session, method="staff")

    with pytest.raises(Conflict, match=SESSION_HAS_ATTENDANCE):
        session_delete(session=session, deleted_by=staff_member, correction_reason="Cancelled")

    assert Session.objects.filter(pk=session.pk).exists()


def test_the_admin_deletes_a_session_of_a_draft_through_the_service(admin_client, staff_member):
    activity = make_activity()
    keep, drop = make_session(activity, starts_in_hours=24), make_session(activity, starts_in_hours=48)

    response = admin_client.post(change_url(activity), with_sessions(activity, delete=drop))

    assert response.status_code == HTTPStatus.FOUND
    assert list(activity.sessions.values_list("pk", flat=True)) == [keep.pk]
    assert Session.history.get(id=drop.pk, history_type="-").history_user == staff_member
    activity.refresh_from_db()
    assert activity.ends_at == keep.ends_at


def test_the_admin_refuses_a_person_with_unreviewed_relationships_on_a_published_activity(admin_client):
    activity = make_published_activity()
    person = ContentPerson.objects.create(name="Dr. Unreviewed")
    disclosure_record(
        person=person, signed_on=timezone.localdate(), relationships=[{"company": "Acme", "nature": "advisor"}]
    )
    form = activity_form(activity) | {
        "content_roles-TOTAL_FORMS": "1",
        "content_roles-INITIAL_FORMS": "0",
        "content_roles-0-person": person.pk,
        "content_roles-0-role": "faculty",
    }

    response = admin_client.post(change_url(activity), form, follow=True)

    assert messages_of(response) == [NOT_REVIEWED.format(name="Dr. Unreviewed", company="Acme")]
    assert not person.roles.exists()


def test_the_admin_adds_a_person_without_relationships_to_a_published_activity(admin_client, staff_member):
    activity = make_published_activity()
    person = ContentPerson.objects.create(name="Dr. Clean")
    disclosure_record(person=person, signed_on=timezone.localdate() - timedelta(days=3), relationships=[])
    form = activity_form(activity) | {
        "content_roles-TOTAL_FORMS": "1",
        "content_roles-INITIAL_FORMS": "0",
        "content_roles-0-person": person.pk,
        "content_roles-0-role": "reviewer",
    }

    response = admin_client.post(change_url(activity), form)

    assert response.status_code == HTTPStatus.FOUND
    role = person.roles.get()
    assert (role.activity, role.role) == (activity, "reviewer")
    assert role.history.get().history_user == staff_member


def test_disclosures_mitigations_and_roles_have_history_pages(admin_client):
    activity = make_activity()
    role = make_disclosed_person(activity, relationships=[("Acme", "speaker")])
    disclosure = role.person.disclosures.get()
    mitigation = Mitigation.objects.get(activity=activity)

    for name, pk in (("disclosure", disclosure.pk), ("mitigation", mitigation.pk), ("contentrole", role.pk)):
        page = admin_client.get(reverse(f"admin:activities_{name}_history", args=[pk]))
        assert page.status_code == HTTPStatus.OK, name
        assert list(page.context["page_obj"].object_list), name
    assert ContentRole.history.filter(id=role.pk).count() == 1
