from django.urls import path

from ingest import api

app_name = "ingest_api"
urlpatterns = [
    path("cameras/frames/", api.camera_frames, name="camera_frames"),
]
