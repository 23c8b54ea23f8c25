"""Reads for accreditation reports: who sees which report, and every figure from GROUP BY queries.

Each function returns plain values (ints, Decimals, dicts keyed by slug or id) computed by the
database. The number of queries is fixed: it does not grow with activities, sessions or learners.
Figures that PARS counts per activity (learners: a course counts each person once, a regularly
scheduled series once per session attended) are grouped by activity in SQL and those per-activity
counts are added up here.
"""

from reports.selectors.activity_summary import MAX_PRACTICE_CHANGES, activity_summary_figures
from reports.selectors.annual_report import TOP_ACTIVITIES, annual_report_figures
from reports.selectors.per_activity import (
    counted_sessions,
    designations_by_activity,
    hours_by_activity,
    learners_by_activity,
    objectives_by_activity,
    support_by_activity,
)
from reports.selectors.period import (
    AWARDED_CERTIFICATE_STATUSES,
    OTHER_LEARNER,
    PHYSICIAN,
    REPORTED_STATUSES,
    ZERO,
    Period,
    activities_in,
    awarded_claims,
    awarded_claims_in,
    period_for,
    sessions_in,
)
from reports.selectors.visibility import reports_visible_to

__all__ = [
    "AWARDED_CERTIFICATE_STATUSES",
    "MAX_PRACTICE_CHANGES",
    "OTHER_LEARNER",
    "PHYSICIAN",
    "REPORTED_STATUSES",
    "TOP_ACTIVITIES",
    "ZERO",
    "Period",
    "activities_in",
    "activity_summary_figures",
    "annual_report_figures",
    "awarded_claims",
    "awarded_claims_in",
    "counted_sessions",
    "designations_by_activity",
    "hours_by_activity",
    "learners_by_activity",
    "objectives_by_activity",
    "period_for",
    "reports_visible_to",
    "sessions_in",
    "support_by_activity",
]
