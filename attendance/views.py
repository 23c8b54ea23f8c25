"""Attendance API: check-in by code, the roster, imports, evaluations, posters."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsClinician, IsCmeStaff, StaffWritesAccreditationReads
from activities.models import Session
from activities.selectors import activities_visible_to
from attendance import imports, services
from attendance.models import Attendance, Evaluation
from attendance.posters import poster_for_session
from attendance.selectors import roster_for_activity
from attendance.serializers import (
    AttendanceMarkSerializer,
    AttendanceSerializer,
    CheckInSerializer,
    EvaluationSerializer,
    ImportRequestSerializer,
    ImportResultSerializer,
)
from attendance.throttles import CheckinCodeThrottle


class CheckInView(APIView):
    """Check in to a session with its code: 201 the first time, 200 with the same record after."""

    permission_classes = [IsClinician]
    throttle_classes = [CheckinCodeThrottle]

    @extend_schema(request=CheckInSerializer, responses={201: AttendanceSerializer, 200: AttendanceSerializer},
                   summary="Check in with a session code")  # fmt: skip
    def post(self, request):
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            attendance, created = services.session_check_in(user=request.user, code=serializer.validated_data["code"])
        except services.UnknownCheckinCode:
            CheckinCodeThrottle().record_failure(request)
            raise
        status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(AttendanceSerializer(attendance).data, status=status_code)


def _activity_or_404(request, pk):
    return get_object_or_404(activities_visible_to(request.user).select_related("activity_type"), pk=pk)


class ActivityAttendance(generics.ListCreateAPIView):
    """The roster (staff and accreditation read); staff mark a learner as attended."""

    serializer_class = AttendanceSerializer
    permission_classes = [StaffWritesAccreditationReads]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attendance.objects.none()
        return roster_for_activity(_activity_or_404(self.request, self.kwargs["pk"]))

    @extend_schema(request=AttendanceMarkSerializer, responses={201: AttendanceSerializer, 200: AttendanceSerializer},
                   summary="Mark a learner as attended (cme_staff)")  # fmt: skip
    def post(self, request, pk):
        activity = _activity_or_404(request, pk)
        serializer = AttendanceMarkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = Session.objects.filter(pk=serializer.validated_data["session"], activity=activity).first()
        if session is None:
            raise APIValidationError({"session": [services.SESSION_NOT_IN_ACTIVITY]})
        attendance, created = services.attendance_mark(
            session=session, user=serializer.validated_data["user"], recorded_by=request.user
        )
        status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(AttendanceSerializer(attendance).data, status=status_code)


class AttendanceImport(APIView):
    """Import a CSV roster (email; session, start or join time): all or nothing; `?dry_run=1` only checks."""

    permission_classes = [IsCmeStaff]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        parameters=[OpenApiParameter("dry_run", bool, description="Validate only; write nothing")],
        responses={200: ImportResultSerializer, 400: ImportResultSerializer},
        summary="Import a roster CSV (cme_staff)",
    )
    def post(self, request, pk):
        activity = _activity_or_404(request, pk)
        upload = request.FILES.get("file")
        if upload is None:
            raise APIValidationError({"file": ["Attach the CSV file in the field `file`."]})
        if upload.size > imports.MAX_BYTES:
            raise APIValidationError({"file": [imports.TOO_LARGE]})
        dry_run = request.query_params.get("dry_run", "").lower() in {"1", "true", "yes"}
        report = imports.attendance_import(
            activity=activity, content=upload.read(), recorded_by=request.user, dry_run=dry_run
        )
        status_code = status.HTTP_400_BAD_REQUEST if report.errors else status.HTTP_200_OK
        return Response(report.as_dict(), status=status_code)


class EvaluationView(APIView):
    """The learner's evaluation of an activity: one each, after attending."""

    permission_classes = [IsClinician]

    @extend_schema(responses={200: EvaluationSerializer, 404: OpenApiResponse()}, summary="My evaluation")
    def get(self, request, pk):
        activity = _activity_or_404(request, pk)
        evaluation = get_object_or_404(
            Evaluation.objects.prefetch_related("objective_answers"), user=request.user, activity=activity
        )
        return Response(EvaluationSerializer(evaluation).data)

    @extend_schema(request=EvaluationSerializer, responses={201: EvaluationSerializer}, summary="Evaluate")
    def post(self, request, pk):
        activity = _activity_or_404(request, pk)
        serializer = EvaluationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evaluation = services.evaluation_submit(user=request.user, activity=activity, **serializer.validated_data)
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


class SessionPoster(APIView):
    """A printable check-in poster: activity, session time, the code, a QR code of the check-in link."""

    permission_classes = [IsCmeStaff]

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="PDF")}, summary="Poster")
    def get(self, request, pk):
        session = get_object_or_404(Session.objects.select_related("activity"), pk=pk)
        response = HttpResponse(poster_for_session(session), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=False, filename=f"checkin-poster-{session.checkin_code}.pdf"
        )
        return response
