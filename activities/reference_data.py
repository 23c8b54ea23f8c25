"""The reference data of DOMAIN.md: objectives, PARS activity types, credit types, renewal topics.

Loaded by migration 0002 and again after every migrate (a test database flush empties it).
"""

OBJECTIVES = [
    (
        "clinical-decision-making",
        "Improve clinical decision making",
        "Learners make better diagnostic and therapeutic decisions in practice.",
    ),
    (
        "patient-management",
        "Enhance patient management strategies",
        "Learners manage patients and their care plans more effectively.",
    ),
    (
        "new-findings",
        "Interpret new clinically relevant findings",
        "Learners understand and apply recent research and guidelines.",
    ),
    (
        "health-policy",
        "Analyze health policy",
        "Learners analyze policy, regulation and systems issues affecting care.",
    ),
]

# (code, name, PARS code, live)
ACTIVITY_TYPES = [
    ("course", "Course", "C", True),
    ("rss", "Regularly scheduled series", "RSS", True),
    ("internet-live", "Internet live course", "IL", True),
    ("enduring", "Enduring material", "EM", False),
    ("internet-enduring", "Internet enduring material", "IEM", False),
    ("journal", "Journal-based CME", "JN", False),
    ("manuscript-review", "Manuscript review", "MR", False),
    ("test-item-writing", "Test-item writing", "TIW", False),
    ("committee-learning", "Committee learning", "CML", False),
    ("performance-improvement", "Performance improvement", "PI", False),
    ("internet-point-of-care", "Internet point-of-care learning", "IPOC", False),
    ("learning-from-teaching", "Learning from teaching", "LFT", False),
    ("other", "Other", "OTHER", False),
]

CREDIT_TYPES = [
    ("ama-pra-1", "AMA PRA Category 1 Credit\u2122", True),
    ("participation", "Certificate of participation", False),
]

RENEWAL_TOPICS = [
    ("risk-management", "Risk management"),
    ("opioid-pain", "Opioid education and pain management"),
    ("implicit-bias", "Implicit bias"),
    ("end-of-life", "End-of-life care"),
    ("ehr", "Electronic health records"),
    ("alzheimers", "Alzheimer's disease and related dementias"),
    ("child-abuse", "Child abuse and neglect"),
    ("domestic-violence", "Domestic and sexual violence"),
]


def reference_data_load(apps, schema_editor=None):
    """Create or refresh the reference rows; safe to run any number of times."""
    Objective = apps.get_model("activities", "Objective")
    ActivityType = apps.get_model("activities", "ActivityType")
    CreditType = apps.get_model("activities", "CreditType")
    RenewalTopic = apps.get_model("activities", "RenewalTopic")
    for position, (slug, name, description) in enumerate(OBJECTIVES):
        Objective.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    for position, (code, name, pars_code, live) in enumerate(ACTIVITY_TYPES):
        ActivityType.objects.update_or_create(
            code=code, defaults={"name": name, "pars_code": pars_code, "live": live, "position": position}
        )
    for position, (slug, name, physicians_only) in enumerate(CREDIT_TYPES):
        CreditType.objects.update_or_create(
            slug=slug, defaults={"name": name, "physicians_only": physicians_only, "position": position}
        )
    for position, (slug, name) in enumerate(RENEWAL_TOPICS):
        RenewalTopic.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


def reference_data_after_migrate(sender, using="default", apps=None, **kwargs):
    """post_migrate: put the reference rows back if they are missing."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    try:
        apps.get_model("activities", "Objective")
    except LookupError:  # migrating backwards past the catalog
        return
    reference_data_load(apps)
