"""Staff accounts in the admin: roles, reset links, second factors, deactivation; no secrets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Imported first so that the admins they register exist to be replaced below: this app comes
# before django.contrib.auth and allauth in INSTALLED_APPS, so autodiscovery reaches it first.
import allauth.account.admin
import allauth.mfa.admin
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ReauthenticationRequired
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from confide.accounts.access import role_of
from confide.accounts.models import StaffProfile
from confide.accounts.services import (
    StaffAdminError,
    staff_deactivate,
    staff_password_reset_send,
    staff_reactivate,
    staff_role_assign,
    staff_second_factor_remove,
)
from confide.accounts.sessions import has_second_factor, password_recently_proven


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin[StaffProfile]):
    list_display = ["user", "role", "clinician"]
    list_filter = ["role"]
    autocomplete_fields = ["user"]

    def save_model(
        self, request: HttpRequest, obj: StaffProfile, form: object, change: bool
    ) -> None:
        # The role decides the admin rights too (superuser, staff, the managers' group).
        staff_role_assign(user=obj.user, role=StaffProfile.Role(obj.role), clinician=obj.clinician)


class StaffUserChangeForm(UserChangeForm[User]):
    # No password field, so no link to a form that sets someone else's password.
    password = None  # type: ignore[assignment]


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(auth_admin.UserAdmin[User]):
    """Django's user admin, without a way to set a password, delete an account or read a secret.

    The owner sends a reset link, removes a second factor or deactivates an account with the
    actions on the list; each is audited, and the first two are emailed to the person.
    """

    form = StaffUserChangeForm
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]
    fieldsets = (
        (None, {"fields": ("username", "second_factor")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        (
            "Permissions (roles are set on the staff profile)",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    actions = ["send_password_reset", "remove_second_factor", "deactivate", "reactivate"]

    @admin.display(description="Second factor", boolean=True)
    def second_factor(self, obj: User) -> bool:
        return has_second_factor(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        if obj is None:
            return []
        # Activity and rights change through the actions and roles, which audit and sync them.
        fixed = ["second_factor", "is_active", "is_staff", "is_superuser", "groups"]
        fixed += ["user_permissions", "last_login", "date_joined"]
        if obj.pk != request.user.pk:
            # Whoever controls a person's address receives their reset link and notices.
            fixed.append("email")
        return fixed

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # The audit log keeps pointing at its actors; a person who leaves is deactivated.
        return False

    def has_manage_staff_permission(self, request: HttpRequest) -> bool:
        return bool(role_of(request.user) == StaffProfile.Role.OWNER)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self.message_user(
            request,
            "Accounts are not deleted, so the audit log keeps who did what. To stop someone "
            'signing in, choose "Deactivate" on the list of users.',
            messages.ERROR,
        )
        return HttpResponseRedirect(reverse("admin:auth_user_changelist"))

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Nobody sets a password here: one's own changes on the account page, with the old one."""
        user = self.get_object(request, unquote(id))
        if user is not None and user.pk == request.user.pk:
            return HttpResponseRedirect(reverse("account_change_password"))
        raise PermissionDenied

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[User],
        service: Callable[..., object],
        done: Callable[[User, object], str],
    ) -> None:
        if not password_recently_proven(request):
            # allauth's middleware asks for the password, then sends the same action again.
            raise ReauthenticationRequired
        for user in queryset:
            try:
                result = service(request=request, actor=request.user, user=user)
            except StaffAdminError as error:
                self.message_user(request, str(error), messages.WARNING)
                continue
            self.message_user(request, done(user, result))

    @admin.action(description="Email a link to choose a new password", permissions=["manage_staff"])
    def send_password_reset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._each(
            request,
            queryset,
            staff_password_reset_send,
            lambda user, _: f"A link to choose a new password was emailed to {user}.",
        )

    @admin.action(description="Remove the second factor", permissions=["manage_staff"])
    def remove_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        def done(user: User, told: object) -> str:
            if told:
                return f"{user}'s second factor was removed; they were told by email."
            return (
                f"{user}'s second factor was removed, but no email reached them: "
                "please tell them yourself."
            )

        self._each(request, queryset, staff_second_factor_remove, done)

    @admin.action(description="Deactivate (stop signing in)", permissions=["manage_staff"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._each(
            request,
            queryset,
            staff_deactivate,
            lambda user, _: f"{user} is deactivated and signed out everywhere.",
        )

    @admin.action(description="Reactivate", permissions=["manage_staff"])
    def reactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._each(
            request,
            queryset,
            staff_reactivate,
            lambda user, _: f"{user} can sign in again.",
        )


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin[Authenticator]):
    """Which second factors each person has, never their secrets; removal is on the users list."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Authenticator | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Authenticator | None = None) -> bool:
        return False


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(allauth.account.admin.EmailAddressAdmin):  # type: ignore[misc]
    """Read only: an address added to someone's account would receive their reset links."""

    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
