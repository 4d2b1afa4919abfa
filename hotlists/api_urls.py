from django.urls import path

from hotlists import api

app_name = "hotlists_api"
urlpatterns = [
    path("hotlists/", api.HotlistListApi.as_view(), name="lists"),
    path("hotlists/requests/", api.RequestListApi.as_view(), name="requests"),
    path("hotlists/requests/<int:pk>/", api.RequestDetailApi.as_view(), name="request"),
    path("hotlists/requests/<int:pk>/decision/", api.RequestDecisionApi.as_view(), name="request_decision"),
    path("hotlists/imports/", api.ImportApi.as_view(), name="imports"),
    path("hotlists/imports/<int:pk>/", api.ImportDetailApi.as_view(), name="import"),
    path("devices/hotlist/", api.device_hotlist, name="device_hotlist"),
]
