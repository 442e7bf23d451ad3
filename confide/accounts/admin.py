from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from confide.accounts.models import StaffProfile
from confide.accounts.services import staff_role_assign


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
