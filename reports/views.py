"""Reports API: request a report (a worker renders it), poll it, download it; stream the PARS export."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import CachedTokenAuthentication
from accounts.permissions import IsStaffOrAccreditation
from cme.exceptions import Conflict
from reports import pars, services
from reports.models import Report, ReportKind
from reports.selectors import reports_visible_to
from reports.serializers import ParsRangeSerializer, ReportAcceptedSerializer, ReportRequestSerializer, ReportSerializer

NOT_READY = "The report is not ready yet."
ERRORS = {
    400: OpenApiResponse(description="A field is missing or invalid: {field: [messages]}"),
    401: OpenApiResponse(description="Not signed in"),
    403: OpenApiResponse(description="Only CME staff and accreditation"),
}
NOT_FOUND = {404: OpenApiResponse(description="No such report, or another person's report")}


def report_download_name(report: Report) -> str:
    if report.kind == ReportKind.ACTIVITY_SUMMARY:
        return f"activity-summary-{report.activity_id}.pdf"
    return f"annual-report-{report.date_from}-to-{report.date_to}.pdf"


@extend_schema_view(
    list=extend_schema(
        summary="Reports visible to the caller: accreditation sees all, staff the ones they requested",
        responses={200: ReportSerializer(many=True), **{k: v for k, v in ERRORS.items() if k != 400}},
    ),
    retrieve=extend_schema(
        summary="A report's status (its requester, accreditation)",
        responses={200: ReportSerializer, 401: ERRORS[401], 403: ERRORS[403], **NOT_FOUND},
    ),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportSerializer
    permission_classes = [IsStaffOrAccreditation]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        return reports_visible_to(self.request.user)

    @extend_schema(
        request=ReportRequestSerializer,
        responses={202: ReportAcceptedSerializer, **ERRORS},
        summary="Request a report: a worker renders the PDF (cme_staff, accreditation)",
    )
    def create(self, request):
        serializer = ReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_request(requested_by=request.user, **serializer.validated_data)
        return Response({"id": report.pk, "status": report.status}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF"),
            409: OpenApiResponse(description="Not ready yet"),
            401: ERRORS[401], 403: ERRORS[403], **NOT_FOUND,
        },
        summary="Download the report's PDF (409 while not ready)",
    )  # fmt: skip
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        report = self.get_object()
        if report.status != "ready":
            raise Conflict(NOT_READY, code="not_ready")
        return FileResponse(
            report.file.open("rb"), content_type="application/pdf", filename=report_download_name(report)
        )


class ParsActivitiesCsv(APIView):
    """One CSV row per activity of the period in the PARS activity columns (docs/api.md), streamed."""

    permission_classes = [IsStaffOrAccreditation]
    # A GET that marks activities exported for good: API tokens only. A browser's session cookie
    # rides along on a link from another site (SameSite=Lax); the staff page posts a form instead.
    authentication_classes = [CachedTokenAuthentication]

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First day, YYYY-MM-DD"),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last day, YYYY-MM-DD"),
        ],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV"), **ERRORS},
        summary="PARS activity export (cme_staff, accreditation); marks the activities exported",
    )
    def get(self, request):
        period = ParsRangeSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        date_from, date_to = period.validated_data["date_from"], period.validated_data["date_to"]
        return pars.pars_activities_response(date_from=date_from, date_to=date_to, exported_by=request.user)
