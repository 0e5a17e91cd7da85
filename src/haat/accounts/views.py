"""Dashboard pages for signing in and out."""

from django.contrib.auth import views as auth_views

from haat.accounts.forms import EmailLoginForm


class LoginView(auth_views.LoginView):
    template_name = "dashboard/auth/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "dashboard:login"
