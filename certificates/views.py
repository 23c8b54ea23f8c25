"""Certificates API: downloads, revocation, re-queueing, ZIP exports, verification, transcripts."""

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsCmeStaff, IsStaffOrAccreditation, user_has_role
from accounts.roles import Role
from activities.selectors import activities_visible_to
from certificates import exports, services
from certificates.models import Certificate, CertificateExport
from certificates.selectors import (
    certificate_download,
    certificate_for_verification,
    certificates_visible_to,
    transcript_for_learner,
)
from certificates.serializers import (
    CertificateSerializer,
    ExportSerializer,
    JobAcceptedSerializer,
    RequeueResultSerializer,
    RevokeSerializer,
    TranscriptSerializer,
    VerificationSerializer,
    date_range_params,
    verification_body,
)
from certificates.transcripts import transcript_pdf
from cme.exceptions import Conflict
from cme.throttles import VerifyThrottle

PDF_RESPONSE = {(200, "application/pdf"): OpenApiResponse(description="The PDF"), 409: OpenApiResponse()}
RANGE_PARAMETERS = [
    OpenApiParameter("from", str, description="First day, YYYY-MM-DD"),
    OpenApiParameter("to", str, description="Last day, YYYY-MM-DD"),
]


def pdf_response(file_field, filename: str) -> FileResponse:
    """Open inline in the browser with a readable file name."""
    return FileResponse(file_field.open("rb"), content_type="application/pdf", filename=filename, as_attachment=False)


@extend_schema_view(
    list=extend_schema(summary="Certificates: a learner's own; staff and accreditation see all"),
    retrieve=extend_schema(summary="One certificate with its versions"),
)
class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CertificateSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        return certificates_visible_to(self.request.user)

    @extend_schema(
        responses=PDF_RESPONSE,
        summary="Download the PDF: the newest rendered version (409 if none yet, or revoked)",
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        certificate = self.get_object()
        shown = certificate_download(certificate)
        if shown is None:
            raise Conflict(services.NOT_READY)
        return pdf_response(shown.pdf, exports.certificate_download_name(certificate, snapshot=shown.snapshot))

    @extend_schema(request=RevokeSerializer, responses={200: CertificateSerializer}, summary="Revoke (cme_staff)")
    @action(detail=True, methods=["post"], permission_classes=[IsCmeStaff], serializer_class=RevokeSerializer)
    def revoke(self, request, pk=None):
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certificate = services.certificate_revoke(
            certificate=self.get_object(), reason=serializer.validated_data["reason"], revoked_by=request.user
        )
        return Response(
            CertificateSerializer(self.get_queryset().get(pk=certificate.pk), context={"request": request}).data
        )


class ActivityCertificatesIssue(APIView):
    """(Re)queue every claim of the activity whose certificate is missing or failed."""

    permission_classes = [IsCmeStaff]

    @extend_schema(request=None, responses={202: RequeueResultSerializer}, summary="Re-queue certificates (cme_staff)")
    def post(self, request, pk):
        activity = get_object_or_404(activities_visible_to(request.user), pk=pk)
        result = services.certificates_requeue_for_activity(activity=activity, requested_by=request.user)
        return Response(result, status=status.HTTP_202_ACCEPTED)


class ActivityCertificatesZip(APIView):
    """A worker builds one ZIP of every ready certificate; poll /exports/{id}/."""

    permission_classes = [IsStaffOrAccreditation]

    @extend_schema(request=None, responses={202: JobAcceptedSerializer}, summary="Build a ZIP of the certificates")
    def post(self, request, pk):
        activity = get_object_or_404(activities_visible_to(request.user), pk=pk)
        export = exports.certificate_export_request(activity=activity, requested_by=request.user)
        return Response({"id": export.pk, "status": export.status}, status=status.HTTP_202_ACCEPTED)


def exports_visible_to(user):
    jobs = CertificateExport.objects.all()
    return jobs if user_has_role(user, Role.ACCREDITATION) else jobs.filter(requested_by=user)


class ExportDetail(APIView):
    permission_classes = [IsStaffOrAccreditation]

    @extend_schema(responses={200: ExportSerializer}, summary="An export's status (its requester, accreditation)")
    def get(self, request, pk):
        export = get_object_or_404(exports_visible_to(request.user), pk=pk)
        return Response(ExportSerializer(export, context={"request": request}).data)


class ExportFile(APIView):
    permission_classes = [IsStaffOrAccreditation]

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(description="ZIP"), 409: OpenApiResponse()},
                   summary="Download the export (409 while not ready)")  # fmt: skip
    def get(self, request, pk):
        export = get_object_or_404(exports_visible_to(request.user), pk=pk)
        if export.status != "ready":
            raise Conflict("The export is not ready yet.")
        filename = f"certificates-activity-{export.activity_id}.zip"
        return FileResponse(
            export.file.open("rb"), content_type="application/zip", filename=filename, as_attachment=True
        )


class VerifyView(APIView):
    """Anyone verifies a certificate by its code: valid or revoked, and nothing else about the person."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [VerifyThrottle]

    @extend_schema(responses={200: VerificationSerializer, 404: OpenApiResponse()}, summary="Verify a certificate")
    def get(self, request, code):
        certificate = certificate_for_verification(code)
        if certificate is None:
            return Response({"detail": "No certificate has this verification code."}, status=status.HTTP_404_NOT_FOUND)
        return Response(verification_body(certificate))


class TranscriptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=RANGE_PARAMETERS,
        responses={200: TranscriptSerializer},
        summary="My transcript: entries, totals, renewal progress",
    )
    def get(self, request):
        date_from, date_to = date_range_params(request.query_params)
        return Response(transcript_for_learner(user=request.user, date_from=date_from, date_to=date_to))


class TranscriptPdfView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=RANGE_PARAMETERS, responses=PDF_RESPONSE, summary="My transcript as a PDF")
    def get(self, request):
        date_from, date_to = date_range_params(request.query_params)
        content = transcript_pdf(user=request.user, date_from=date_from, date_to=date_to)
        response = HttpResponse(content, content_type="application/pdf")
        filename = f"transcript-{slugify(request.user.last_name) or 'learner'}.pdf"
        response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
        return response
