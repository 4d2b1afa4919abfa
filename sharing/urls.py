from django.urls import path

from sharing import views

app_name = "sharing"
urlpatterns = [
    path("", views.index, name="index"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/package.zip", views.package_download, name="package_download"),
    path("requests/<int:pk>/documents/<str:kind>/", views.document, name="document"),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("report/", views.report, name="report"),
]
