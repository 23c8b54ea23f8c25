from django.urls import include, path
from rest_framework.routers import SimpleRouter

from activities import disclosure_views, reference, views

router = SimpleRouter()
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("people", disclosure_views.ContentPersonViewSet, basename="person")

urlpatterns = [
    path("objectives/", reference.ObjectiveList.as_view(), name="objective-list"),
    path("credit-types/", reference.CreditTypeList.as_view(), name="credit-type-list"),
    path("activity-types/", reference.ActivityTypeList.as_view(), name="activity-type-list"),
    path("renewal-topics/", reference.RenewalTopicList.as_view(), name="renewal-topic-list"),
    path("activities/<int:pk>/sessions/", views.ActivitySessionList.as_view(), name="activity-sessions"),
    path(
        "activities/<int:pk>/disclosures/",
        disclosure_views.ActivityDisclosures.as_view(),
        name="activity-disclosures",
    ),
    path(
        "activities/<int:pk>/disclosures/<int:role_id>/",
        disclosure_views.ActivityDisclosureDetail.as_view(),
        name="activity-disclosure-detail",
    ),
    path(
        "activities/<int:pk>/commercial-support/",
        views.CommercialSupportList.as_view(),
        name="activity-commercial-support",
    ),
    path("sessions/<int:pk>/", views.SessionDetail.as_view(), name="session-detail"),
    path("disclosures/expiring/", disclosure_views.ExpiringDisclosureList.as_view(), name="disclosures-expiring"),
    path("", include(router.urls)),
]
