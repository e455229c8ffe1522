"""URLs of accounts (namespace `accounts`): signed-in pages under /accounts/."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from vanguard.accounts.views import signin

app_name = "accounts"

pages = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", signin.two_factor_verify, name="two-factor-verify"),
    path("two-factor/setup/", signin.two_factor_setup, name="two-factor-setup"),
    path("events/", signin.login_events, name="login-events"),
]

urlpatterns = [
    path("accounts/", include(pages)),
]
