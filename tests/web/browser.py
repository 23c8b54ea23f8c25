"""Helpers for the browser tests: Chromium, screenshots, axe-core, waiting on the worker."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_REPORTS = ROOT / "test-artifacts" / "axe"
AXE = ROOT / "var" / "axe" / "axe.min.js"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
# Violations of these impacts fail a page (the issue: "no serious or critical axe-core violations").
BLOCKING_IMPACTS = ("serious", "critical")
WORKER_TIMEOUT_MS = 90_000


def chromium_or_skip() -> str:
    """Debian's Chromium; missing in CI is a failure, on a laptop a skip."""
    if CHROMIUM.exists():
        return str(CHROMIUM)
    message = f"{CHROMIUM} is missing: apt-get install chromium (scripts/test.sh does it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def axe_script() -> Path:
    if not AXE.exists():
        subprocess.run([sys.executable, "scripts/assets.py", "axe"], cwd=ROOT, check=True)
    return AXE


def shoot(page, name: str) -> Path:
    """A full-page screenshot under test-artifacts/screenshots/ (the README copies three of them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page, name: str) -> None:
    """Run axe-core on the page; serious and critical violations fail with what and where.

    Every violation (any impact) is also written to test-artifacts/axe/<name>.json for review.
    """
    page.add_script_tag(path=str(axe_script()))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert result["testEngine"]["name"] == "axe-core" and result["passes"] is not None
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    summary = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                "targets": [node["target"] for node in v["nodes"]]} for v in result["violations"]]  # fmt: skip
    (AXE_REPORTS / f"{name.replace(' ', '-')}.json").write_text(json.dumps(summary, indent=2))
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]
    details = [
        f"{v['impact']} {v['id']}: {v['help']} at {[node['target'] for node in v['nodes'][:5]]}" for v in blocking
    ]
    assert not blocking, f"axe-core on {name}:\n" + "\n".join(details)


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def downloaded_pdf(page, link) -> str:
    """Click a download link and return the text of the PDF it saves."""
    with page.expect_download() as download_info:
        link.click()
    path = download_info.value.path()
    content = Path(path).read_bytes()
    assert content.startswith(b"%PDF"), content[:40]
    return pdf_text(content)
