"""Roles and the permission group that keeps the practice manager away from clinical data."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.test import Client

from confide.accounts.models import StaffProfile
from confide.accounts.services import (
    PRACTICE_MANAGER_GROUP,
    PRACTICE_MANAGER_PERMISSIONS,
    StaffRoleError,
    staff_groups_sync,
    staff_role_assign,
)
from confide.accounts.testing import sign_in

pytestmark = pytest.mark.django_db

# Apps whose models hold clinical content or accounts: never in the practice manager's group.
FORBIDDEN_APPS = {"clients", "auth", "accounts", "mfa", "account", "axes", "audit", "admin"}


def test_the_managers_group_holds_only_schedule_permissions(db: None) -> None:
    group = staff_groups_sync()
    granted = {
        (p.content_type.app_label, p.content_type.model, p.codename.split("_", 1)[0])
        for p in group.permissions.select_related("content_type")
    }
    assert granted == {
        (app, model, action)
        for (app, model), actions in PRACTICE_MANAGER_PERMISSIONS.items()
        for action in actions
    }
    assert not {app for app, _, _ in granted} & FORBIDDEN_APPS


def test_the_allow_list_names_real_models_and_no_clinical_app() -> None:
    for app_label, model in PRACTICE_MANAGER_PERMISSIONS:
        assert apps.get_model(app_label, model) is not None
        assert app_label not in FORBIDDEN_APPS


def test_the_group_exists_after_migrate(db: None) -> None:
    assert Group.objects.filter(name=PRACTICE_MANAGER_GROUP).exists()


def test_a_practice_manager_edits_the_schedule_in_the_admin(
    demo: None, practice_manager: User
) -> None:
    client = sign_in(Client(), practice_manager)
    assert client.get("/office/admin/scheduling/availabilityrule/").status_code == 200
    assert client.get("/office/admin/scheduling/appointmenttype/add/").status_code == 200
    assert client.get("/office/admin/clients/consultationrequest/").status_code == 403
    assert client.get("/office/admin/practice/practice/1/change/").status_code == 403
    assert client.get("/office/admin/auth/user/").status_code == 403
    assert client.get("/office/admin/accounts/staffprofile/").status_code == 403


@pytest.mark.parametrize(
    ("role", "staff", "superuser", "in_group"),
    [
        (StaffProfile.Role.OWNER, True, True, False),
        (StaffProfile.Role.CLINICIAN, False, False, False),
        (StaffProfile.Role.PRACTICE_MANAGER, True, False, True),
    ],
)
def test_a_role_sets_the_admin_rights_that_go_with_it(
    db: None, role: StaffProfile.Role, staff: bool, superuser: bool, in_group: bool
) -> None:
    from confide.practice.models import Clinician

    mine = Clinician.objects.create(
        name="Sam Example", slug="sam-example", credentials="LCSW", license_number="1", bio="-"
    )
    user = User.objects.create_user("person", "p@example.org", "person-password-1")
    # Start from the opposite, to see each right both given and taken away.
    if in_group:
        staff_role_assign(user=user, role=StaffProfile.Role.OWNER)
    else:
        staff_role_assign(user=user, role=StaffProfile.Role.PRACTICE_MANAGER)

    staff_role_assign(
        user=user, role=role, clinician=mine if role == StaffProfile.Role.CLINICIAN else None
    )

    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (staff, superuser)
    assert user.groups.filter(name=PRACTICE_MANAGER_GROUP).exists() is in_group
    assert StaffProfile.objects.get(user=user).role == role


def test_a_clinician_must_be_linked_to_their_clinician_profile(stranger: User) -> None:
    with pytest.raises(StaffRoleError, match="linked"):
        staff_role_assign(user=stranger, role=StaffProfile.Role.CLINICIAN)


def test_a_practice_manager_is_not_a_clinician(demo: None, stranger: User) -> None:
    from confide.practice.models import Clinician

    with pytest.raises(StaffRoleError):
        staff_role_assign(
            user=stranger,
            role=StaffProfile.Role.PRACTICE_MANAGER,
            clinician=Clinician.objects.first(),
        )


def test_the_database_refuses_a_clinician_without_a_clinician(stranger: User) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        StaffProfile.objects.create(user=stranger, role=StaffProfile.Role.CLINICIAN)
