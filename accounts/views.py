from axes.utils import reset as axes_reset
from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.lockout import LOCKED_OUT
from accounts.serializers import ProfileSerializer, RegisterSerializer, TokenRequestSerializer, TokenSerializer
from cme.throttles import LoginThrottle, RegisterThrottle, login_username

BAD_CREDENTIALS = "Unable to sign in with the email and password given."


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [RegisterThrottle]

    @extend_schema(request=RegisterSerializer, responses={201: ProfileSerializer}, summary="Register a learner")
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return Response(ProfileSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [LoginThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: OpenApiResponse(description="Wrong credentials")},
        summary="Exchange email and password for an API token",
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            django_request,
            username=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            return Response({"detail": LOCKED_OUT}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            raise ValidationError(BAD_CREDENTIALS, code="authorization")
        # As a web sign-in does: the account's failed attempts are forgotten and last_login is set
        # (without the signal, whose axes access log would open a session for an API client).
        axes_reset(username=login_username(django_request, {"username": user.email}))
        update_last_login(None, user)
        token = services.auth_token_issue(user=user)
        return Response({"token": token.key})


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="Revoke the caller's API token")
    def post(self, request):
        services.auth_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(generics.RetrieveUpdateAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ProfileSerializer
    http_method_names = ["get", "patch", "options", "head"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        serializer.instance = services.user_profile_update(
            user=self.request.user, changed_by=self.request.user, **serializer.validated_data
        )
