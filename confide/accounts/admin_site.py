"""The Django admin behind the office's own sign-in, second factor and roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class OfficeAdminSite(admin.AdminSite):
    site_header = "Confide office"
    site_title = "Confide office"

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff with a role who proved their second factor in this session."""
        from confide.accounts.access import role_of
        from confide.accounts.sessions import second_factor_satisfied

        user = request.user
        return (
            super().has_permission(request)
            and role_of(user) is not None
            and second_factor_satisfied(request)
        )

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        """Send everyone to the office sign-in; the admin has no password form of its own."""
        from confide.accounts.access import forbidden

        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = ""
        next_url = next_url or reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            if self.has_permission(request):
                return HttpResponseRedirect(next_url)
            return forbidden(request)
        return redirect_to_login(next_url, resolve_url(settings.LOGIN_URL))
