from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("designations/", views.designations, name="designations"),
    path("designations/<int:pk>/revoke/", views.designation_revoke, name="designation_revoke"),
]
