from django.urls import path

from hotlists import views

app_name = "hotlists"
urlpatterns = [
    path("", views.index, name="index"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/mine/", views.my_requests, name="my_requests"),
    path("requests/queue/", views.queue, name="queue"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("imports/new/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
]
