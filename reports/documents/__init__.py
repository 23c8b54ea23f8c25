"""Gather, then render: the figures of reports.selectors, formatted and frozen into a ReportDocument.

`activity_summary_pdf` and `annual_report_pdf` are what the report worker calls (reports.services).
Every value printed is decided here; reports.pdf only lays it out.
"""

from reports.documents.activity_summary import activity_summary_document, activity_summary_pdf
from reports.documents.annual_report import TYPE_COLUMNS, annual_report_document, annual_report_pdf, months_between
from reports.documents.formatting import (
    ACTIVITIES_COUNTED,
    AWARDED,
    DASH,
    LEARNER_COUNTING,
    OBJECTIVE_OVERLAP,
    ZERO,
    count,
    credits,
    money,
    share,
)

__all__ = [
    "ACTIVITIES_COUNTED",
    "AWARDED",
    "DASH",
    "LEARNER_COUNTING",
    "OBJECTIVE_OVERLAP",
    "TYPE_COLUMNS",
    "ZERO",
    "activity_summary_document",
    "activity_summary_pdf",
    "annual_report_document",
    "annual_report_pdf",
    "count",
    "credits",
    "money",
    "months_between",
    "share",
]
