from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from activities.services import provider_current
from activities.timezones import local_date, validate_date_in_range
from certificates.models import Certificate, CertificateExport, CertificateVersion
from certificates.selectors import certificate_download, certificate_rendered_version


def verify_url(code: str) -> str:
    return f"{provider_current().public_base_url.rstrip('/')}/verify/{code}/"


class CertificateVersionSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="version")

    class Meta:
        model = CertificateVersion
        fields = ["number", "issued_at", "reason"]


class CertificateSerializer(serializers.ModelSerializer):
    claim = serializers.IntegerField(source="claim_id")
    activity = serializers.IntegerField(source="claim.activity_id")
    activity_title = serializers.CharField(source="claim.activity.title")
    learner = serializers.CharField(source="claim.user.full_name")
    credit_type = serializers.CharField(source="claim.credit_type_id")
    credits = serializers.DecimalField(source="claim.credits", max_digits=5, decimal_places=2)
    verify_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    versions = CertificateVersionSerializer(many=True)

    class Meta:
        model = Certificate
        fields = ["id", "claim", "activity", "activity_title", "learner", "credit_type", "credits", "status",
                  "number", "verification_code", "verify_url", "pdf_url", "issued_at", "version", "versions",
                  "revoked_at", "revoke_reason"]  # fmt: skip

    @extend_schema_field(serializers.URLField())
    def get_verify_url(self, certificate) -> str:
        return certificate.snapshot.get("verify_url") or verify_url(certificate.verification_code)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_url(self, certificate) -> str | None:
        if certificate_download(certificate) is None:
            return None
        return reverse("certificate-pdf", args=[certificate.pk], request=self.context.get("request"))


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class VerificationSerializer(serializers.Serializer):
    """What the public sees: nothing else about the person."""

    status = serializers.ChoiceField(choices=["valid", "revoked"])
    name = serializers.CharField()
    degree = serializers.CharField()
    activity = serializers.CharField()
    dates = serializers.CharField()
    credit_type = serializers.CharField()
    credits = serializers.CharField()
    issued_at = serializers.CharField()


def verification_body(certificate: Certificate) -> dict:
    """The newest rendered version's data (the current one once its PDF exists); a revoked one never
    rendered shows its current data."""
    shown = certificate_rendered_version(certificate)
    snapshot, issued_at = (shown.snapshot, shown.issued_at) if shown else (certificate.snapshot, certificate.issued_at)
    return {
        "status": "revoked" if certificate.status == "revoked" else "valid",
        "name": snapshot["learner_name"],
        "degree": snapshot["learner_degree"],
        "activity": snapshot["activity_title"],
        "dates": snapshot["activity_dates"],
        "credit_type": snapshot["credit_type_name"],
        "credits": snapshot["credits"],
        "issued_at": local_date(issued_at, certificate.claim.activity.time_zone).isoformat(),
    }


class ExportSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = CertificateExport
        fields = ["id", "activity", "status", "file_url", "last_error", "created_at", "finished_at"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_file_url(self, export) -> str | None:
        if export.status != "ready":
            return None
        return reverse("export-file", args=[export.pk], request=self.context.get("request"))


class JobAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class RequeueResultSerializer(serializers.Serializer):
    issued = serializers.IntegerField()
    requeued = serializers.IntegerField()


def date_range_params(query_params) -> tuple:
    """`?from=&to=` as dates (either may be absent); a bad one is a 400 naming it."""
    values = {}
    for name in ("from", "to"):
        raw = query_params.get(name)
        if raw in (None, ""):
            values[name] = None
            continue
        try:
            values[name] = serializers.DateField().to_internal_value(raw)
            validate_date_in_range(values[name])
        except serializers.ValidationError as error:
            raise serializers.ValidationError({name: error.detail}) from error
        except DjangoValidationError as error:
            raise serializers.ValidationError({name: error.messages}) from error
    if values["from"] and values["to"] and values["to"] < values["from"]:
        raise serializers.ValidationError({"to": ["The end of the range is before its start."]})
    return values["from"], values["to"]


class TranscriptEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    activity = serializers.IntegerField()
    activity_title = serializers.CharField()
    credit_type = serializers.CharField()
    credits = serializers.DecimalField(max_digits=6, decimal_places=2)
    kind = serializers.CharField()
    certificate = serializers.IntegerField()
    certificate_number = serializers.CharField()
    status = serializers.CharField()
    objectives = serializers.ListField(child=serializers.CharField())


class TranscriptTotalsSerializer(serializers.Serializer):
    by_credit_type = serializers.DictField(child=serializers.DecimalField(max_digits=8, decimal_places=2))
    by_objective = serializers.DictField(child=serializers.DecimalField(max_digits=8, decimal_places=2))


class RenewalLineSerializer(serializers.Serializer):
    topic = serializers.CharField()
    name = serializers.CharField()
    required = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    earned = serializers.DecimalField(max_digits=6, decimal_places=2)
    one_time = serializers.BooleanField()
    met = serializers.BooleanField()


class RenewalSerializer(serializers.Serializer):
    state = serializers.CharField()
    license_expires = serializers.DateField()
    cycle_start = serializers.DateField()
    requirements = RenewalLineSerializer(many=True)
    complete = serializers.BooleanField()


class TranscriptSerializer(serializers.Serializer):
    """A learner's transcript; `renewal` is null without a license expiry date on the profile."""

    entries = TranscriptEntrySerializer(many=True)
    totals = TranscriptTotalsSerializer()
    renewal = RenewalSerializer(allow_null=True)


# `from` and `to` are Python keywords, so they join the declared fields by name.
TranscriptSerializer._declared_fields["from"] = serializers.DateField(allow_null=True)
TranscriptSerializer._declared_fields["to"] = serializers.DateField(allow_null=True)
