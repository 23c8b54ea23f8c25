from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cme.health import healthz

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("activities.urls")),
    path("", include("attendance.urls")),
    path("", include("claims.urls")),
    path("", include("certificates.urls")),
    path("", include("reports.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("web.urls")),
]

handler400 = "cme.errors.bad_request"
handler403 = "cme.errors.permission_denied"
handler404 = "cme.errors.not_found"
handler500 = "cme.errors.server_error"
