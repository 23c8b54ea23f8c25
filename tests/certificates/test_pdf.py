"""Certificate and transcript PDFs: every printed value comes back out of the PDF's text.

The renderers take frozen dataclasses and never query, so these tests need no database.
"""

import dataclasses
import io
import json

import pypdf
import pytest
from PIL import Image, ImageDraw

from certificates.pdf import (
    CertificateDocument,
    RenewalLine,
    TranscriptDocument,
    TranscriptEntry,
    render_certificate,
    render_transcript,
)
from cme import pdf as base

DESIGNATION = (
    "Mass General Academy designates this live activity for a maximum of 1.25 AMA PRA Category 1 Credits™. "
    "Physicians should claim only the credit commensurate with the extent of their participation in the activity."
)
ACCREDITATION = (
    "Mass General Academy is accredited by the Accreditation Council for Continuing Medical Education (ACCME) "
    "to provide continuing medical education for physicians."
)
PARTICIPATION = (
    "This activity was designated for a maximum of 1.25 AMA PRA Category 1 Credits™. "
    "This certificate confirms participation in the activity."
)
MULTI_SCRIPT_NAMES = [
    "Zoë Wójcik",
    "Łukasz Żółć",
    "Αλέξανδρος Παπαδόπουλος",
    "Дмитрий Иванов",
    "王小明",
    "山田太郎",
    "김민준",
    "张伟",  # simplified characters that only the SC font has
]
LONG_TITLE = (
    "Interdisciplinary Approaches to the Diagnosis and Management of Complex Multisystem Disease in Older "
    "Adults: Heart Failure, Chronic Kidney Disease, Diabetes, Polypharmacy, Frailty, Falls, Delirium and "
    "Goals-of-Care Conversations in Primary Care, Hospital Medicine and Transitional Care Settings, 2026 Update"
)[:300]


def ama_certificate(**changes) -> CertificateDocument:
    values = {
        "provider_name": "Mass General Academy",
        "accreditation_statement": ACCREDITATION,
        "director_name": "Elena Ruiz, MD, MPH",
        "director_title": "Director, Continuing Medical Education",
        "director_signature_path": "",
        "learner_name": "Ada Lovelace",
        "learner_degree": "MD",
        "activity_title": "Medicine Grand Rounds: Advances in Heart Failure Management",
        "activity_type": "Regularly scheduled series",
        "activity_dates": "March 3, 2026",
        "location": "Boston, MA",
        "objectives": ["Improve clinical decision making", "Enhance patient management strategies"],
        "credit_type": "ama-pra-1",
        "credit_type_name": "AMA PRA Category 1 Credit™",
        "credits": "1.25",
        "credit_statement": DESIGNATION,
        "faculty": False,
        "issue_date": "November 25, 2026",
        "certificate_number": "CME-00000042",
        "verification_code": "7KQ2M9XR4TB6WJHD",
        "verify_url": "https://cme.example.org/verify/7KQ2M9XR4TB6WJHD/",
        "version": 1,
    }
    return CertificateDocument(**{**values, **changes})


def participation_certificate(**changes) -> CertificateDocument:
    values = {
        "accreditation_statement": "",
        "learner_name": "Florence Nightingale",
        "learner_degree": "NP",
        "credit_type": "participation",
        "credit_type_name": "Certificate of participation",
        "credit_statement": PARTICIPATION,
    }
    return ama_certificate(**{**values, **changes})


def transcript(entries: int = 3, **changes) -> TranscriptDocument:
    values = {
        "provider_name": "Mass General Academy",
        "learner_name": "Ada Lovelace",
        "learner_degree": "MD",
        "npi": "1234567893",
        "period": "January 1, 2025 \N{EN DASH} December 31, 2026",
        "generated_on": "November 25, 2026",
        "entries": [
            TranscriptEntry(
                date="March 3, 2026",
                activity_title=f"Medicine Grand Rounds, session {number}",
                credit_type_name="AMA PRA Category 1 Credit™",
                credits="1.25",
                certificate_number=f"CME-{number:08d}",
                status="revoked" if number == 2 else "valid",
            )
            for number in range(1, entries + 1)
        ],
        "totals_by_credit_type": [("AMA PRA Category 1 Credit™", "12.50"), ("Certificate of participation", "2.00")],
        "totals_by_objective": [("Improve clinical decision making", "4.00"), ("Analyze health policy", "1.25")],
        "renewal_title": "Massachusetts license renewal (expires June 30, 2027)",
        "renewal": [
            RenewalLine(requirement="Total credits", required="50.00", earned="14.50", met=False),
            RenewalLine(requirement="Risk management", required="10.00", earned="10.25", met=True),
        ],
    }
    return TranscriptDocument(**{**values, **changes})


def read(pdf: bytes) -> pypdf.PdfReader:
    assert pdf.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace (line breaks of wrapped paragraphs) made single spaces."""
    return [" ".join(page.extract_text().split()) for page in read(pdf).pages]


def one_page_text(pdf: bytes) -> str:
    texts = page_texts(pdf)
    assert len(texts) == 1
    return texts[0]


# --- Certificates ----------------------------------------------------------------------------------


def test_ama_certificate_prints_every_element_on_one_page():
    doc = ama_certificate()

    text = one_page_text(render_certificate(doc))

    expected = [
        "Mass General Academy",
        "Certificate of Credit",
        "This certifies that",
        "Ada Lovelace, MD",
        "Medicine Grand Rounds: Advances in Heart Failure Management",
        "Regularly scheduled series",
        "March 3, 2026",
        "Boston, MA",
        "Improve clinical decision making; Enhance patient management strategies",
        "1.25 AMA PRA Category 1 Credits™",
        DESIGNATION,
        ACCREDITATION,
        "November 25, 2026",
        "CME-00000042",
        "7KQ2M9XR4TB6WJHD",
        "https://cme.example.org/verify/7KQ2M9XR4TB6WJHD/",
        "Elena Ruiz, MD, MPH",
        "Director, Continuing Medical Education",
    ]
    assert [value for value in expected if value not in text] == []
    assert "Version" not in text
    assert "Faculty" not in text


def test_participation_certificate_prints_every_element_without_accreditation_statement():
    doc = participation_certificate()

    text = one_page_text(render_certificate(doc))

    expected = [
        "Mass General Academy",
        "Certificate of Participation",
        "Florence Nightingale, NP",
        "Medicine Grand Rounds: Advances in Heart Failure Management",
        "Regularly scheduled series · March 3, 2026 · Boston, MA",
        "Certificate of participation",
        "1.25 hours",
        PARTICIPATION,
        "November 25, 2026",
        "CME-00000042",
        "7KQ2M9XR4TB6WJHD",
        "https://cme.example.org/verify/7KQ2M9XR4TB6WJHD/",
        "Elena Ruiz, MD, MPH",
    ]
    assert [value for value in expected if value not in text] == []
    assert "ACCME" not in text
    assert "Credits™" in text  # only inside the participation wording, which names the AMA maximum


@pytest.mark.parametrize(
    ("credit_type", "faculty", "heading"),
    [
        ("ama-pra-1", False, "Certificate of Credit"),
        ("ama-pra-1", True, "Certificate of Faculty Credit"),
        ("participation", False, "Certificate of Participation"),
        ("participation", True, "Certificate of Faculty Participation"),
    ],
)
def test_heading_names_the_credit_and_faculty(credit_type, faculty, heading):
    doc = ama_certificate(credit_type=credit_type, faculty=faculty)

    text = one_page_text(render_certificate(doc))

    assert heading in text
    assert ("served as faculty for" in text) is faculty


def test_exactly_one_credit_is_singular():
    text = one_page_text(render_certificate(ama_certificate(credits="1.00")))

    assert "1.00 AMA PRA Category 1 Credit™" in text
    assert "1.00 AMA PRA Category 1 Credits™" not in text


def test_a_later_version_says_so():
    text = one_page_text(render_certificate(ama_certificate(version=2)))

    assert "Version 2" in text


@pytest.mark.parametrize("name", MULTI_SCRIPT_NAMES)
def test_names_in_any_script_come_back_out_of_the_pdf(name):
    text = one_page_text(render_certificate(ama_certificate(learner_name=name)))

    assert f"{name}, MD" in text


def test_user_markup_prints_literally():
    title = '<font color=red>x</font> <img src="y"/> Risk &amp; Reward'
    name = "<b>Ada</b> &amp; Lovelace"

    text = one_page_text(render_certificate(ama_certificate(activity_title=title, learner_name=name)))

    assert title in text
    assert f"{name}, MD" in text


def test_a_300_character_title_still_fits_one_page():
    assert len(LONG_TITLE) == 300
    doc = ama_certificate(
        activity_title=LONG_TITLE,
        learner_name="Maria-Alejandra Fernández-Castañeda de la Torre y Villanueva",
        objectives=[
            "Improve clinical decision making",
            "Enhance patient management strategies",
            "Interpret new clinically relevant findings",
            "Analyze health policy",
        ],
        version=3,
    )

    text = one_page_text(render_certificate(doc))

    assert LONG_TITLE in text
    assert "Analyze health policy" in text
    assert DESIGNATION in text
    assert ACCREDITATION in text


def test_the_qr_code_is_drawn():
    page = read(render_certificate(ama_certificate())).pages[0]

    # The QR code is drawn as filled rectangles, one per run of dark modules.
    assert page.get_contents().get_data().count(b" re") > 100


def test_signature_image_is_embedded(tmp_path):
    signature = tmp_path / "signature.png"
    image = Image.new("RGBA", (600, 150), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(20, 100), (200, 40), (400, 110), (580, 50)], fill=(20, 30, 80, 255), width=6)
    image.save(signature)

    pdf = render_certificate(ama_certificate(director_signature_path=str(signature)))

    assert len(read(pdf).pages[0].images) == 1
    assert "Elena Ruiz, MD, MPH" in one_page_text(pdf)


def test_without_signature_image_there_is_no_image():
    assert len(read(render_certificate(ama_certificate())).pages[0].images) == 0


def test_a_missing_signature_file_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"missing\.png"):
        render_certificate(ama_certificate(director_signature_path=str(tmp_path / "missing.png")))


def test_certificate_document_round_trips_through_json():
    doc = ama_certificate(objectives=["Analyze health policy"], faculty=True, version=2)

    assert CertificateDocument.from_dict(json.loads(json.dumps(doc.to_dict()))) == doc


# --- Transcripts -----------------------------------------------------------------------------------


def test_transcript_of_500_entries_runs_over_numbered_pages_with_the_header_repeated():
    doc = transcript(entries=500)

    pages = page_texts(render_transcript(doc))

    total = len(pages)
    assert total > 5
    assert f"Page 1 of {total}" in pages[0]
    assert f"Page {total} of {total}" in pages[-1]
    assert all("Date Activity Credit type Credits Certificate Status" in page for page in pages[1:-1])
    assert "CME-00000001" in pages[0]
    assert "CME-00000500" in " ".join(pages)


def test_transcript_prints_learner_entries_and_totals():
    pages = page_texts(render_transcript(transcript(learner_name="김민준")))

    text = " ".join(pages)
    expected = [
        "Continuing Medical Education Transcript",
        "Mass General Academy",
        "김민준, MD",
        "1234567893",
        "January 1, 2025 \N{EN DASH} December 31, 2026",
        "November 25, 2026",
        "Medicine Grand Rounds, session 1",
        "CME-00000003",
        "Revoked",
        "Totals by credit type",
        "AMA PRA Category 1 Credit™ 12.50",
        "Certificate of participation 2.00",
        "Totals by objective category",
        "Improve clinical decision making 4.00",
    ]
    assert [value for value in expected if value not in text] == []
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_transcript_renewal_section():
    text = " ".join(page_texts(render_transcript(transcript())))

    assert "Massachusetts license renewal (expires June 30, 2027)" in text
    assert "Total credits 50.00 14.50 Not yet met" in text
    assert "Risk management 10.00 10.25 Met" in text


def test_transcript_without_renewal_or_entries():
    doc = transcript(entries=0, renewal_title="", renewal=[], totals_by_credit_type=[], totals_by_objective=[])

    text = " ".join(page_texts(render_transcript(doc)))

    assert "No certificates in this period." in text
    assert "renewal" not in text
    assert "Totals" not in text


def test_transcript_document_round_trips_through_json():
    doc = transcript(entries=2)

    assert TranscriptDocument.from_dict(json.loads(json.dumps(doc.to_dict()))) == doc


# --- The base: fonts and escaping ------------------------------------------------------------------


def test_markup_escapes_and_switches_fonts_for_cjk():
    assert base.markup('<img src="y"/> & <b>') == '&lt;img src="y"/&gt; &amp; &lt;b&gt;'
    assert base.markup("Zoë Żółć Дмитрий") == "Zoë Żółć Дмитрий"
    assert base.markup("김민준 MD") == '<font name="NotoSansKR">김민준</font> MD'
    assert base.markup("张伟") == '<font name="NotoSansSC">张伟</font>'


def test_missing_fonts_name_the_folder_and_the_command(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(base, "_coverage", None)
    settings.FONT_DIR = tmp_path

    with pytest.raises(base.FontsMissingError) as refused:
        base.register_fonts()

    assert str(tmp_path) in str(refused.value)
    assert "python scripts/assets.py fonts" in str(refused.value)
    assert "NotoSansKR-Regular.ttf" in str(refused.value)


def test_renderer_never_changes_its_input():
    doc = ama_certificate()
    before = dataclasses.asdict(doc)

    render_certificate(doc)

    assert dataclasses.asdict(doc) == before
