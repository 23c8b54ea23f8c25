"""Massachusetts physician license renewal: what a transcript measures progress against.

Board of Registration in Medicine (as DOMAIN.md states it): 50 credits every two years, the license
expiring on the physician's birthday; within them at least 10 in risk management, 3 in opioid
education and pain management (prescribers) and 2 in implicit bias; once in a career: end-of-life
care 2, electronic health records 3, Alzheimer's disease 1, and child abuse and domestic violence
training (completion, no credit count).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from activities.timezones import add_months

CYCLE_MONTHS = 24
TOTAL_REQUIRED = Decimal(50)


@dataclass(frozen=True)
class Requirement:
    slug: str
    name: str
    credits: Decimal | None  # None: a training to complete, not a credit count
    one_time: bool


REQUIREMENTS = (
    Requirement("risk-management", "Risk management", Decimal(10), one_time=False),
    Requirement("opioid-pain", "Opioid education and pain management (prescribers)", Decimal(3), one_time=False),
    Requirement("implicit-bias", "Implicit bias", Decimal(2), one_time=False),
    Requirement("end-of-life", "End-of-life care (one time)", Decimal(2), one_time=True),
    Requirement("ehr", "Electronic health records (one time)", Decimal(3), one_time=True),
    Requirement("alzheimers", "Alzheimer's disease and related dementias (one time)", Decimal(1), one_time=True),
    Requirement("child-abuse", "Child abuse and neglect training (one time)", None, one_time=True),
    Requirement("domestic-violence", "Domestic and sexual violence training (one time)", None, one_time=True),
)


def renewal_cycle(license_expires: date, *, today: date) -> tuple[date, date]:
    """The next renewal's two-year window: (the day it starts after, the expiry day, included).

    A credit dated on the cycle's first day belongs to the cycle before (which ended that day). An
    expiry date already past means the profile was not updated after a renewal: the license then
    expires two years later on the same birthday, so the window moves forward in steps of two years
    until it ends today or later.
    """
    steps = 0
    while add_months(license_expires, CYCLE_MONTHS * steps) < today:
        steps += 1
    # Both ends from the profile's date, so a 29 February birthday keeps cycles that meet end to end.
    return add_months(license_expires, CYCLE_MONTHS * (steps - 1)), add_months(license_expires, CYCLE_MONTHS * steps)


def renewal_progress(*, license_state: str, license_expires: date, today: date, cycle_credits, career_credits) -> dict:
    """Progress toward the next renewal.

    `cycle_credits` / `career_credits`: {"total": Decimal, "<topic slug>": Decimal} summed over the
    learner's valid certificates inside the renewal cycle / over their whole record.
    """
    start, end = renewal_cycle(license_expires, today=today)
    lines = [_line("total", "Total credits", TOTAL_REQUIRED, cycle_credits.get("total", Decimal(0)), False)]
    for requirement in REQUIREMENTS:
        source = career_credits if requirement.one_time else cycle_credits
        earned = source.get(requirement.slug, Decimal(0))
        lines.append(_line(requirement.slug, requirement.name, requirement.credits, earned, requirement.one_time))
    return {
        "state": license_state or "MA",
        "license_expires": end,
        "cycle_start": start,
        "requirements": lines,
        "complete": all(line["met"] for line in lines),
    }


def _line(slug: str, name: str, required: Decimal | None, earned: Decimal, one_time: bool) -> dict:
    met = earned > 0 if required is None else earned >= required
    return {
        "topic": slug,
        "name": name,
        "required": None if required is None else f"{required:.2f}",
        "earned": f"{earned:.2f}",
        "one_time": one_time,
        "met": met,
    }
