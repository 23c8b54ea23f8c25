from django.urls import include, path
from rest_framework.routers import SimpleRouter

from certificates import views

router = SimpleRouter()
router.register("certificates", views.CertificateViewSet, basename="certificate")

urlpatterns = [
    path(
        "activities/<int:pk>/certificates/issue/",
        views.ActivityCertificatesIssue.as_view(),
        name="activity-certificates-issue",
    ),
    path(
        "activities/<int:pk>/certificates/zip/",
        views.ActivityCertificatesZip.as_view(),
        name="activity-certificates-zip",
    ),
    path("exports/<int:pk>/", views.ExportDetail.as_view(), name="export-detail"),
    path("exports/<int:pk>/file/", views.ExportFile.as_view(), name="export-file"),
    path("verify/<str:code>/", views.VerifyView.as_view(), name="verify"),
    path("me/transcript/", views.TranscriptView.as_view(), name="transcript"),
    path("me/transcript.pdf", views.TranscriptPdfView.as_view(), name="transcript-pdf"),
    path("", include(router.urls)),
]
