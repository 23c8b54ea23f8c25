from django.urls import include, path
from rest_framework.routers import SimpleRouter

from claims import views

router = SimpleRouter()
router.register("claims", views.ClaimViewSet, basename="claim")

urlpatterns = [
    path("activities/<int:pk>/late-claims/", views.LateClaimView.as_view(), name="activity-late-claims"),
    path("activities/<int:pk>/faculty-credit/", views.FacultyCreditView.as_view(), name="activity-faculty-credit"),
    path("", include(router.urls)),
]
