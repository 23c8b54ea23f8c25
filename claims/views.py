"""Claims API: learners claim credit; staff correct claims, grant late claims, award faculty credit."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsCmeStaff, user_has_role
from accounts.roles import Role
from activities.selectors import activities_visible_to
from claims import services
from claims.filters import ClaimFilter
from claims.models import Claim
from claims.selectors import claims_visible_to
from claims.serializers import (
    ClaimCorrectionSerializer,
    ClaimCreateSerializer,
    ClaimSerializer,
    FacultyCreditSerializer,
    LateClaimSerializer,
)

UNKNOWN_ACTIVITY = "No such activity."


class ClaimWritePermission(IsAuthenticated):
    """Clinicians claim; only staff correct (PATCH)."""

    def has_permission(self, request, view):
        if request.method == "POST":
            return user_has_role(request.user, Role.CLINICIAN)
        if request.method == "PATCH":
            return user_has_role(request.user, Role.CME_STAFF)
        return super().has_permission(request, view)


@extend_schema_view(
    list=extend_schema(summary="Claims: a clinician's own; staff and accreditation see all"),
    retrieve=extend_schema(summary="One claim"),
)
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ClaimSerializer
    permission_classes = [ClaimWritePermission]
    filterset_class = ClaimFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Claim.objects.none()
        return claims_visible_to(self.request.user)

    @extend_schema(request=ClaimCreateSerializer, responses={201: ClaimSerializer}, summary="Claim credit")
    def create(self, request):
        serializer = ClaimCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        activity = activities_visible_to(request.user).select_related("activity_type").filter(pk=data.pop("activity"))
        if not activity:
            raise APIValidationError({"activity": [UNKNOWN_ACTIVITY]})
        claim = services.claim_submit(user=request.user, activity=activity[0], **data)
        return Response(ClaimSerializer(self.get_queryset().get(pk=claim.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClaimCorrectionSerializer, responses={200: ClaimSerializer},
                   summary="Correct a claim's credits with a reason (cme_staff)")  # fmt: skip
    def partial_update(self, request, pk=None):
        serializer = ClaimCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = services.claim_correct(claim=self.get_object(), corrected_by=request.user, **serializer.validated_data)
        return Response(ClaimSerializer(self.get_queryset().get(pk=claim.pk)).data)


def _activity(request, pk):
    return get_object_or_404(activities_visible_to(request.user).select_related("activity_type"), pk=pk)


class LateClaimView(APIView):
    permission_classes = [IsCmeStaff]

    @extend_schema(request=LateClaimSerializer, responses={201: LateClaimSerializer},
                   summary="Allow one learner to claim after the deadline (cme_staff)")  # fmt: skip
    def post(self, request, pk):
        activity = _activity(request, pk)
        serializer = LateClaimSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        exception = services.late_claim_grant(activity=activity, granted_by=request.user, **serializer.validated_data)
        return Response(LateClaimSerializer(exception).data, status=status.HTTP_201_CREATED)


class FacultyCreditView(APIView):
    permission_classes = [IsCmeStaff]

    @extend_schema(request=FacultyCreditSerializer, responses={201: ClaimSerializer},
                   summary="Award faculty credit: two credits per hour presented (cme_staff)")  # fmt: skip
    def post(self, request, pk):
        activity = _activity(request, pk)
        serializer = FacultyCreditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = services.faculty_credit_award(activity=activity, awarded_by=request.user, **serializer.validated_data)
        claim = claims_visible_to(request.user).get(pk=claim.pk)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)
