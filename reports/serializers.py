from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.reverse import reverse

from activities.models import Activity
from activities.timezones import validate_date_in_range
from cme.models import RenderStatus
from reports.models import Report, ReportKind

ACTIVITY_REQUIRED = "An activity summary needs the activity."
RANGE_REQUIRED = "An annual report needs this date."
RANGE_INVERTED = "The end of the range is before its start."
NOT_FOR_KIND = "Not used by this kind of report."


@extend_schema_field({"type": "string", "enum": RenderStatus.values, "x-spec-enum-id": "report-status"})
class ReportStatusField(serializers.ChoiceField):
    """A job status. Its own enum id keeps it "ReportStatusEnum", apart from the exports' identical set."""

    def __init__(self, **kwargs):
        super().__init__(choices=RenderStatus.choices, **kwargs)


def _date_fields() -> dict:
    # `from` is a Python keyword: the fields are named in a dict, stored as date_from/date_to.
    return {
        "from": serializers.DateField(
            source="date_from", required=False, help_text="First day, YYYY-MM-DD", validators=[validate_date_in_range]
        ),
        "to": serializers.DateField(
            source="date_to", required=False, help_text="Last day, YYYY-MM-DD", validators=[validate_date_in_range]
        ),
    }


# Named "Report" so that its request component is "ReportRequest" and the `kind` enum is one
# component ("ReportKindEnum") shared with the report itself, apart from the claims' `kind`.
@extend_schema_serializer(component_name="Report")
class ReportRequestSerializer(serializers.Serializer):
    """`kind` and its parameters: `activity` for an activity summary, `from` and `to` for an annual report."""

    kind = serializers.ChoiceField(choices=ReportKind.choices)
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all(), required=False)

    def get_fields(self):
        return {**super().get_fields(), **_date_fields()}

    def validate(self, attrs):
        if attrs["kind"] == ReportKind.ACTIVITY_SUMMARY:
            errors = {"activity": [ACTIVITY_REQUIRED]} if not attrs.get("activity") else {}
            errors |= {name: [NOT_FOR_KIND] for name, key in (("from", "date_from"), ("to", "date_to")) if key in attrs}
        else:
            errors = {
                name: [RANGE_REQUIRED] for name, key in (("from", "date_from"), ("to", "date_to")) if not attrs.get(key)
            }
            if attrs.get("activity"):
                errors["activity"] = [NOT_FOR_KIND]
            if not errors and attrs["date_to"] < attrs["date_from"]:
                errors["to"] = [RANGE_INVERTED]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ReportSerializer(serializers.ModelSerializer):
    status = ReportStatusField(read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "kind", "status", "activity", "pdf_url", "last_error", "created_at", "finished_at"]
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        for name, field in _date_fields().items():
            field.read_only = True
            field.allow_null = True
            fields[name] = field
        ordered = [
            "id",
            "kind",
            "status",
            "activity",
            "from",
            "to",
            "pdf_url",
            "last_error",
            "created_at",
            "finished_at",
        ]
        return {name: fields[name] for name in ordered}

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_url(self, report) -> str | None:
        if report.status != "ready":
            return None
        return reverse("report-pdf", args=[report.pk], request=self.context.get("request"))


class ReportAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class ParsRangeSerializer(serializers.Serializer):
    """`?from=&to=` of the PARS export: both required, YYYY-MM-DD, in order."""

    def get_fields(self):
        fields = _date_fields()
        for field in fields.values():
            field.required = True
        return fields

    def validate(self, attrs):
        if attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"to": [RANGE_INVERTED]})
        return attrs
