"""Request bodies and URLs shared by the activities API tests."""

ACTIVITIES = "/api/v1/activities/"


def activity_body(**overrides):
    body = {
        "title": "Cardiology Grand Rounds 2026",
        "description": "Weekly grand rounds of the department of medicine.",
        "activity_type": "rss",
        "objectives": ["clinical-decision-making", "new-findings"],
        "location": "Boston, MA",
        "credits": [{"credit_type": "ama-pra-1", "max_credits": "1.00"}],
        "time_zone": "America/New_York",
    }
    body.update(overrides)
    return body


def sessions_url(activity):
    return f"{ACTIVITIES}{activity.id}/sessions/"
