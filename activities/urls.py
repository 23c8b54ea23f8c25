from django.urls import path

from activities import reference

urlpatterns = [
    path("objectives/", reference.ObjectiveList.as_view(), name="objective-list"),
    path("credit-types/", reference.CreditTypeList.as_view(), name="credit-type-list"),
    path("activity-types/", reference.ActivityTypeList.as_view(), name="activity-type-list"),
    path("renewal-topics/", reference.RenewalTopicList.as_view(), name="renewal-topic-list"),
]
