from django.urls import path

from sharing import views

app_name = "sharing"
urlpatterns = [
    path("", views.index, name="index"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
]
