from django.urls import path

from ingest import api
from ingest.edge import views as edge

app_name = "ingest_api"
urlpatterns = [
    path("cameras/frames/", api.camera_frames, name="camera_frames"),
    # Issue 22: reads made by edge cameras, one URL per format.
    path("cameras/reads/", edge.camera_reads, name="camera_reads"),
    path("cameras/reads/openalpr/", edge.camera_reads_openalpr, name="camera_reads_openalpr"),
    path("cameras/reads/platerecognizer/", edge.camera_reads_platerecognizer, name="camera_reads_platerecognizer"),
]
