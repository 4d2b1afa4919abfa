from django.urls import path

from accounts import sso, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("sso/login/", sso.SSOLoginView.as_view(), name="oidc_login"),
    path("sso/callback/", sso.SSOCallbackView.as_view(), name="oidc_callback"),
    path("", views.dashboard, name="dashboard"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/", views.mfa_manage, name="mfa_manage"),
    path("reauthenticate/", views.reauthenticate, name="reauthenticate"),
    path("designations/", views.designations, name="designations"),
    path("designations/<int:pk>/revoke/", views.designation_revoke, name="designation_revoke"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/<int:pk>/classification/", views.agency_classification, name="agency_classification"),
]
