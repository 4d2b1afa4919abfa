from django.urls import path

from alpr import retention_views, views

app_name = "alpr"
urlpatterns = [
    path("", views.index, name="index"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/feed/", views.alerts_feed, name="alerts_feed"),
    path("hits/<int:pk>/", views.hit_detail, name="hit_detail"),
    path("hits/<int:pk>/stop/", views.hit_stop, name="hit_stop"),
    path("hits/<int:pk>/<str:name>/", views.hit_transition, name="hit_transition"),
    path("search/", views.search, name="search"),
    path("searches/", views.searches, name="searches"),
    path("searches/<int:pk>/", views.search_results, name="search_results"),
    path("searches/<int:pk>/export.csv", views.search_export, name="search_export"),
    path("searches/<int:pk>/package.zip", views.search_package, name="search_package"),
    path("reads/<int:pk>/", views.read_detail, name="read_detail"),
    path("images/<str:token>/", views.read_image, name="read_image"),
    path("retention/", retention_views.index, name="retention"),
    path("holds/new/", retention_views.hold_new, name="hold_new"),
    path("holds/<int:pk>/", retention_views.hold_detail, name="hold_detail"),
    path("holds/<int:pk>/<str:action>/", retention_views.hold_action, name="hold_action"),
]
