"""Shared wording and number formatting of the report documents: every printed count, credit and amount."""

from decimal import Decimal

ZERO = Decimal("0.00")
DASH = "\u2014"
LEARNER_COUNTING = (
    "Learners are counted as PARS counts them: a course or webinar counts each person once however many "
    "sessions they attended; a regularly scheduled series counts a person once per session attended; an "
    "enduring activity counts the learners who completed it and claimed credit."
)
OBJECTIVE_OVERLAP = (
    "An activity that addresses two objective categories counts, with its credits, under both: the rows of "
    "this table overlap and do not add up to the totals."
)
ACTIVITIES_COUNTED = (
    "Published activities with a session in the period (live) or available during it (enduring); each reported "
    "with its learners in the period only."
)
AWARDED = "Credits awarded are the credits of claims whose certificate has not been revoked, by credit date."


def count(value: int | None) -> str:
    return f"{value or 0:,}"


def credits(value: Decimal | None) -> str:
    return f"{value or ZERO:,.2f}"


def money(value: Decimal | None) -> str:
    return f"${value or ZERO:,.2f}"


def share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else DASH
