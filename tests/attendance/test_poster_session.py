"""What a session's poster prints: the time in the activity's zone and a QR code of the check-in link."""

import io
from datetime import UTC, datetime
from http import HTTPStatus

import pypdf
import pytest
import segno
from django.urls import reverse
from pypdf.generic import ContentStream

from activities.models import Activity, Session
from activities.services import provider_current
from activities.services.sessions import session_create
from attendance.posters import poster_document, poster_for_session, session_when
from tests.factories import make_activity, make_published_activity

pytestmark = pytest.mark.django_db

BASE_URL = "https://cme.hospital.example"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def unsaved_session(zone_name: str, starts_at: datetime, ends_at: datetime) -> Session:
    return Session(activity=Activity(time_zone=zone_name), starts_at=starts_at, ends_at=ends_at)


@pytest.mark.parametrize(
    "zone_name, starts_at, ends_at, printed",
    [
        # 03:00-04:00 UTC (10 PM the evening before in New York, the default zone) is lunchtime in Tokyo.
        ("Asia/Tokyo", utc(2030, 3, 5, 3), utc(2030, 3, 5, 4), "Tuesday, March 5, 2030, 12:00 \u2013 1:00 PM JST"),
        ("Pacific/Honolulu", utc(2030, 3, 5, 20, 30), utc(2030, 3, 5, 23),
         "Tuesday, March 5, 2030, 10:30 AM \u2013 1:00 PM HST"),
        # Past local midnight: the end names its own day.
        ("Pacific/Honolulu", utc(2030, 3, 6, 8), utc(2030, 3, 6, 10),
         "Tuesday, March 5, 2030, 10:00 PM \u2013 Wednesday 12:00 AM HST"),
        ("America/Los_Angeles", utc(2030, 7, 1, 16), utc(2030, 7, 1, 17, 15),
         "Monday, July 1, 2030, 9:00 \u2013 10:15 AM PDT"),
    ],
)  # fmt: skip
def test_session_when_is_in_the_activity_time_zone(zone_name, starts_at, ends_at, printed):
    assert session_when(unsaved_session(zone_name, starts_at, ends_at)) == printed


def tokyo_session() -> Session:
    activity = make_activity(title="Stroke care in Tokyo", time_zone="Asia/Tokyo", location="Tokyo")
    return session_create(activity=activity, created_by=None, starts_at=utc(2030, 3, 5, 3), ends_at=utc(2030, 3, 5, 4))


def use_base_url(url: str) -> None:
    provider = provider_current()
    provider.public_base_url = url
    provider.save()


def test_poster_prints_the_local_time_through_the_api(staff_client):
    session = tokyo_session()

    response = staff_client.get(f"/api/v1/sessions/{session.id}/poster.pdf")

    assert response.status_code == HTTPStatus.OK
    text = " ".join(pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "Tuesday, March 5, 2030, 12:00 \u2013 1:00 PM JST" in text
    assert "EST" not in text and "UTC" not in text


def expected_checkin_url(session: Session) -> str:
    """The public base URL and the web page that checks a learner in with the code."""
    return BASE_URL + reverse("web:checkin-code", args=[session.checkin_code])


def test_poster_document_links_to_the_web_checkin_page():
    use_base_url(BASE_URL + "/")
    session = make_published_activity().sessions.get()

    url = poster_document(session).checkin_url

    assert url == f"{BASE_URL}/checkin/{session.checkin_code}/" == expected_checkin_url(session)


def qr_matrix_drawn(pdf: bytes) -> list[list[bool]]:
    """Read the QR modules back from the page: the filled rectangles after the last translation.

    `draw_qr_code` draws each run of dark modules in a row as one rectangle, with no border,
    so the top-left finder pattern's first run is 7 modules wide and fixes the module size.
    """
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    operations = ContentStream(reader.pages[0].get_contents(), reader).operations
    last_move = max(i for i, (_, operator) in enumerate(operations) if operator == b"cm")
    runs = [[float(n) for n in operands] for operands, operator in operations[last_move:] if operator == b"re"]
    size = max(x + width for x, _, width, _ in runs)
    top_row = max(y for _, y, _, _ in runs)
    module = min(width for x, y, width, _ in runs if y == top_row and x == 0) / 7
    count = round(size / module)
    matrix = [[False] * count for _ in range(count)]
    for x, y, width, _ in runs:
        row = round((size - y) / module) - 1
        first = round(x / module)
        for column in range(first, first + round(width / module)):
            matrix[row][column] = True
    return matrix


def qr_matrix_of(text: str) -> list[list[bool]]:
    """The modules of `text`'s QR code as segno makes it (level M, smallest version, best mask)."""
    return [[bool(cell) for cell in row] for row in segno.make_qr(text, error="m", boost_error=False).matrix]


def test_poster_qr_code_encodes_the_checkin_url():
    use_base_url(BASE_URL)
    session = make_published_activity().sessions.get()
    wrong = f"https://cme.other.example/checkin/{session.checkin_code}/"

    drawn = qr_matrix_drawn(poster_for_session(session))

    assert drawn == qr_matrix_of(expected_checkin_url(session))
    assert drawn != qr_matrix_of(wrong)
    assert drawn != qr_matrix_of(expected_checkin_url(session).rstrip("/"))
