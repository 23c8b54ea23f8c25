"""The check-in poster: one page with the session, the code and how to check in."""

import io
import json
import re

import pypdf

from attendance.pdf import PosterDocument, checkin_page, render_poster


def poster(**changes) -> PosterDocument:
    values = {
        "provider_name": "Mass General Academy",
        "activity_title": "Medicine Grand Rounds: Advances in Heart Failure Management",
        "session_title": "Week 12: SGLT2 inhibitors",
        "session_when": "Tuesday, March 3, 2026, 12:00 \N{EN DASH} 1:00 PM EST",
        "location": "O'Keeffe Auditorium, Boston, MA",
        "checkin_code": "ABC234",
        "checkin_url": "https://cme.example.org/checkin/ABC234/",
    }
    return PosterDocument(**{**values, **changes})


def poster_text(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 1
    return " ".join(pages[0].extract_text().split())


def test_poster_shows_session_code_and_checkin_url():
    text = poster_text(render_poster(poster()))

    expected = [
        "Mass General Academy",
        "Check in for CME credit",
        "Medicine Grand Rounds: Advances in Heart Failure Management",
        "Week 12: SGLT2 inhibitors",
        "Tuesday, March 3, 2026, 12:00 \N{EN DASH} 1:00 PM EST",
        "O'Keeffe Auditorium, Boston, MA",
        "Scan with your phone camera, or go to cme.example.org/checkin and type the code ABC234.",
        "https://cme.example.org/checkin/ABC234/",
    ]
    assert [value for value in expected if value not in text] == []
    # The big code is drawn one character per box, so it comes out spaced.
    assert re.search(r"A\s+B\s+C\s+2\s+3\s+4", text)


def test_poster_draws_the_qr_code():
    page = pypdf.PdfReader(io.BytesIO(render_poster(poster()))).pages[0]

    assert page.get_contents().get_data().count(b" re") > 100


def test_poster_with_a_long_title_and_markup_stays_on_one_page():
    title = ("<b>Grand Rounds</b> & Interdisciplinary Approaches to Complex Multisystem Disease " * 5)[:300]

    text = poster_text(render_poster(poster(activity_title=title, session_title="")))

    assert " ".join(title.split()) in text
    assert "ABC234" in text


def test_checkin_page_drops_the_code_from_the_url():
    assert checkin_page("https://cme.example.org/checkin/ABC234/", "ABC234") == "cme.example.org/checkin"
    assert checkin_page("https://cme.example.org/c?code=ABC234", "ABC234") == "cme.example.org/c"


def test_poster_document_round_trips_through_json():
    doc = poster()

    assert PosterDocument.from_dict(json.loads(json.dumps(doc.to_dict()))) == doc
