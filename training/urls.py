from django.urls import path

from training import views

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("required/", views.required, name="required"),
    path("roster.csv", views.roster_export, name="roster_export"),
    path("import/", views.import_records, name="import"),
    path("records/<int:pk>/certificate/", views.certificate, name="certificate"),
]
