"""The three roles of API.md, kept as Django groups (created by a data migration)."""

from django.db import models


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    CME_STAFF = "cme_staff", "CME staff"
    ACCREDITATION = "accreditation", "Accreditation"


ALL_ROLES = tuple(Role.values)
