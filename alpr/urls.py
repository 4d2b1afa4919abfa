from django.urls import path

from alpr import views

app_name = "alpr"
urlpatterns = [
    path("", views.index, name="index"),
    path("alerts/", views.index, name="alerts"),
    path("search/", views.index, name="search"),
]
