from django.urls import path

from hotlists import views

app_name = "hotlists"
urlpatterns = [
    path("", views.index, name="index"),
]
