"""Helpers for tests of who sees what: one person of each kind the access rules tell apart."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from confide.accounts.models import StaffProfile
from confide.accounts.services import staff_role_assign
from confide.accounts.sessions import AnyUser
from confide.accounts.testing import staff_user_create
from confide.practice.models import Clinician

Role = StaffProfile.Role


def clinician_create(name: str, slug: str) -> Clinician:
    return Clinician.objects.create(
        name=name, slug=slug, credentials="LCSW", license_number=f"LCSW-{slug}", bio="-"
    )


def people_of_every_kind() -> dict[str, AnyUser]:
    """Return, by a short name, an owner (who sees no clients of their own), a clinician and a
    colleague clinician (each with a clinician of their own), a practice manager, a signed-up
    stranger, an owner whose account was deactivated, and an anonymous visitor."""
    owner = User.objects.create_superuser("owner", "owner@example.org", "owner-password-123")
    staff_role_assign(user=owner, role=Role.OWNER)
    retired = User.objects.create_superuser("retired", "retired@example.org", "retired-pass-123")
    staff_role_assign(user=retired, role=Role.OWNER)
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    return {
        "owner": owner,
        "clinician": staff_user_create(
            "robin", role=Role.CLINICIAN, second_factor=False,
            clinician=clinician_create("Robin Ashdown", "robin-ashdown"),
        ),
        "colleague": staff_user_create(
            "sky", role=Role.CLINICIAN, second_factor=False,
            clinician=clinician_create("Sky Fenwick", "sky-fenwick"),
        ),
        "manager": staff_user_create("manager", role=Role.PRACTICE_MANAGER, second_factor=False),
        "stranger": User.objects.create_user("stranger", "stranger@example.org", "stranger-123"),
        "retired": retired,
        "anonymous": AnonymousUser(),
    }  # fmt: skip


def clinician_of(user: AnyUser) -> Clinician:
    clinician = StaffProfile.objects.get(user=user).clinician  # type: ignore[misc]
    assert clinician is not None
    return clinician
