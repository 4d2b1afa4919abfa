from django.urls import path

from alpr.views import cameras, hits, reads, retention, searches

app_name = "alpr"
urlpatterns = [
    path("", hits.index, name="index"),
    path("alerts/", hits.alerts, name="alerts"),
    path("alerts/feed/", hits.alerts_feed, name="alerts_feed"),
    path("hits/<int:pk>/", hits.hit_detail, name="hit_detail"),
    path("hits/<int:pk>/stop/", hits.hit_stop, name="hit_stop"),
    path("hits/<int:pk>/<str:name>/", hits.hit_transition, name="hit_transition"),
    path("search/", searches.search, name="search"),
    path("searches/", searches.searches, name="searches"),
    path("searches/<int:pk>/", searches.search_results, name="search_results"),
    path("searches/<int:pk>/export.csv", searches.search_export, name="search_export"),
    path("searches/<int:pk>/package.zip", searches.search_package, name="search_package"),
    path("reads/<int:pk>/", reads.read_detail, name="read_detail"),
    path("images/<str:token>/", reads.read_image, name="read_image"),
    path("cameras/shift-checks/", cameras.shift_checks, name="shift_checks"),
    path("cameras/<int:pk>/shift-check/", cameras.shift_check_new, name="shift_check_new"),
    path("retention/", retention.index, name="retention"),
    path("retention/schedule/", retention.schedule_edit, name="retention_schedule"),
    path("holds/new/", retention.hold_new, name="hold_new"),
    path("holds/<int:pk>/", retention.hold_detail, name="hold_detail"),
    path("holds/<int:pk>/<str:action>/", retention.hold_action, name="hold_action"),
]
