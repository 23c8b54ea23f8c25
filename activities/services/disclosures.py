"""Disclosures of the people in control of content, and their mitigation (ACCME standard 3)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from activities.models import (
    DISCLOSURE_VALID_MONTHS,
    Activity,
    CommercialSupport,
    ContentPerson,
    ContentRole,
    Disclosure,
    FinancialRelationship,
    Mitigation,
)
from activities.selectors import content_roles_with_disclosures, disclosure_in_force, mitigations_by_relationship
from activities.timezones import add_months

NO_PEOPLE = "List the people in control of content (planners, faculty, reviewers) with their disclosures."
NO_VALID_DISCLOSURE = "{name} has no disclosure valid on {day:%Y-%m-%d}."
NOT_REVIEWED = "{name}: decide whether the relationship with {company} is relevant to this activity."
NOT_MITIGATED = "{name}: the relevant relationship with {company} has not been mitigated."
RELATIONSHIP_NOT_IN_FORCE = "Relationship {id} is not part of a disclosure in force for someone in this activity."
SUPPORT_EMPTY = "Give a monetary amount or describe the in-kind support."
MITIGATION_REQUIRED = "Describe how this relevant relationship was mitigated."


def activity_disclosure_problems(*, activity: Activity, day: date) -> dict[str, list[str]]:
    """What keeps the activity from being published or held on `day`, by field; empty when complete."""
    roles = content_roles_with_disclosures(activity)
    if not roles:
        return {"disclosures": [NO_PEOPLE]}
    mitigations = mitigations_by_relationship(activity)
    missing, unmitigated = [], []
    seen_people = set()
    for role in roles:
        person = role.person
        if person.pk in seen_people:
            continue
        seen_people.add(person.pk)
        disclosure = disclosure_in_force(person.disclosures.all(), day)
        if disclosure is None:
            missing.append(NO_VALID_DISCLOSURE.format(name=person.name, day=day))
            continue
        for relationship in disclosure.relationships.all():
            decision = mitigations.get(relationship.pk)
            if decision is None:
                unmitigated.append(NOT_REVIEWED.format(name=person.name, company=relationship.company))
            elif decision.relevant and not decision.mitigation.strip():
                unmitigated.append(NOT_MITIGATED.format(name=person.name, company=relationship.company))
    problems = {}
    if missing:
        problems["disclosures"] = missing
    if unmitigated:
        problems["mitigations"] = unmitigated
    return problems


def content_person_create(*, name: str, email: str = "", degree: str = "", user=None) -> ContentPerson:
    person = ContentPerson(name=name.strip(), email=email.strip(), degree=degree.strip(), user=user)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def disclosure_record(*, person: ContentPerson, signed_on: date, relationships: list[dict]) -> Disclosure:
    """A signed disclosure: each relationship `{company, nature}` of the past 24 months, or none."""
    disclosure = Disclosure(
        person=person, signed_on=signed_on, expires_on=add_months(signed_on, DISCLOSURE_VALID_MONTHS)
    )
    disclosure.full_clean()
    disclosure.save()
    rows = [FinancialRelationship(disclosure=disclosure, **relationship) for relationship in relationships]
    for row in rows:
        row.full_clean(exclude=["disclosure"])
    FinancialRelationship.objects.bulk_create(rows)
    return disclosure


@transaction.atomic
def content_role_assign(*, activity: Activity, person: ContentPerson, role: str) -> ContentRole:
    """Give a person a role in control of the activity's content (idempotent)."""
    content_role, _ = ContentRole.objects.get_or_create(activity=activity, person=person, role=role)
    return content_role


@transaction.atomic
def mitigation_record(
    *, activity: Activity, relationship: FinancialRelationship, relevant: bool, mitigation: str, reviewed_by
) -> Mitigation:
    """Staff decide whether a relationship is relevant to the activity and, if so, how it was mitigated."""
    people = ContentRole.objects.filter(activity=activity).values_list("person_id", flat=True)
    if relationship.disclosure.person_id not in set(people):
        raise ValidationError({"relationship": RELATIONSHIP_NOT_IN_FORCE.format(id=relationship.pk)})
    if relevant and not mitigation.strip():
        raise ValidationError({"mitigation": MITIGATION_REQUIRED})
    decision, _ = Mitigation.objects.update_or_create(
        activity=activity,
        relationship=relationship,
        defaults={"relevant": relevant, "mitigation": mitigation.strip(), "reviewed_by": reviewed_by},
    )
    return decision


def commercial_support_add(
    *, activity: Activity, company: str, amount: Decimal, in_kind: str = ""
) -> CommercialSupport:
    """Record a grant from an ineligible company (money and/or in-kind support)."""
    if not amount and not in_kind.strip():
        raise ValidationError({"amount": SUPPORT_EMPTY})
    support = CommercialSupport(activity=activity, company=company.strip(), amount=amount, in_kind=in_kind.strip())
    support.full_clean()
    support.save()
    return support


UNKNOWN_RELATIONSHIP = "No relationship {key!r} in {name}'s disclosure in force."


def _relationship_for(*, person: ContentPerson, key: dict, day: date) -> FinancialRelationship:
    from activities.selectors import disclosure_in_force

    disclosure = disclosure_in_force(person.disclosures.prefetch_related("relationships"), day)
    candidates = list(disclosure.relationships.all()) if disclosure else []
    for relationship in candidates:
        if key.get("relationship") == relationship.pk or (
            "relationship" not in key and key.get("company", "").strip().lower() == relationship.company.lower()
        ):
            return relationship
    label = key.get("relationship", key.get("company"))
    raise ValidationError({"mitigations": UNKNOWN_RELATIONSHIP.format(key=label, name=person.name)})


@transaction.atomic
def role_mitigations_record(*, role: ContentRole, mitigations: list[dict], reviewed_by, day: date) -> None:
    """Record staff's decisions on the relationships of one person's disclosure in force."""
    for item in mitigations:
        relationship = _relationship_for(person=role.person, key=item, day=day)
        mitigation_record(
            activity=role.activity,
            relationship=relationship,
            relevant=item["relevant"],
            mitigation=item.get("mitigation", ""),
            reviewed_by=reviewed_by,
        )


@transaction.atomic
def activity_disclosure_add(
    *,
    activity: Activity,
    added_by,
    role: str,
    day: date,
    person: ContentPerson | None = None,
    name: str = "",
    email: str = "",
    degree: str = "",
    disclosure: dict | None = None,
    mitigations: list[dict] | None = None,
) -> ContentRole:
    """Put a person in control of content, with a new disclosure and mitigations if given, in one step."""
    if person is None:
        person = content_person_create(name=name, email=email, degree=degree)
    if disclosure is not None:
        disclosure_record(person=person, **disclosure)
    content_role = content_role_assign(activity=activity, person=person, role=role)
    if mitigations:
        role_mitigations_record(role=content_role, mitigations=mitigations, reviewed_by=added_by, day=day)
    return content_role
