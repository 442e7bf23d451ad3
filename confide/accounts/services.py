"""Staff roles: who is staff, what the practice manager's permission group holds."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

from confide.accounts.models import StaffProfile
from confide.practice.models import Clinician

PRACTICE_MANAGER_GROUP = "Practice managers"

# Everything a practice manager may do in the Django admin: the schedule, nothing clinical.
# An allow-list, so that a model added later (a clinical one above all) is refused until it is
# named here; confide/accounts/tests/test_roles.py keeps clinical apps out of it.
PRACTICE_MANAGER_PERMISSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("scheduling", "appointmenttype"): ("view", "add", "change", "delete"),
    ("scheduling", "availabilityrule"): ("view", "add", "change", "delete"),
    ("scheduling", "appointment"): ("view", "change"),
    ("practice", "clinician"): ("view",),
}


class StaffRoleError(ValueError):
    """A role was given without what it needs (a clinician needs a Clinician)."""


def staff_groups_sync() -> Group:
    """Make the practice managers' group hold exactly the allow-listed permissions."""
    group, _ = Group.objects.get_or_create(name=PRACTICE_MANAGER_GROUP)
    wanted = []
    for (app_label, model), actions in PRACTICE_MANAGER_PERMISSIONS.items():
        codenames = [f"{action}_{model}" for action in actions]
        wanted += list(
            Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
    group.permissions.set(wanted)
    return group


def staff_role_assign(
    *, user: User, role: StaffProfile.Role, clinician: Clinician | None = None
) -> StaffProfile:
    """Give the user a staff role and the Django admin rights that go with it.

    The owner runs the practice (a superuser in the admin); a practice manager uses the admin
    for the schedule only; a clinician works in the office and not in the admin.
    """
    role = StaffProfile.Role(role)
    if role == StaffProfile.Role.CLINICIAN and clinician is None:
        raise StaffRoleError("A clinician's account must be linked to their clinician profile.")
    if role == StaffProfile.Role.PRACTICE_MANAGER and clinician is not None:
        raise StaffRoleError("A practice manager is not linked to a clinician.")
    with transaction.atomic():
        profile, _ = StaffProfile.objects.update_or_create(
            user=user, defaults={"role": role, "clinician": clinician}
        )
        user.is_staff = role in {StaffProfile.Role.OWNER, StaffProfile.Role.PRACTICE_MANAGER}
        user.is_superuser = role == StaffProfile.Role.OWNER
        user.save(update_fields=["is_staff", "is_superuser"])
        group = staff_groups_sync()
        if role == StaffProfile.Role.PRACTICE_MANAGER:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    return profile
