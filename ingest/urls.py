from django.urls import path

from ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/", views.jobs, name="jobs"),
]
