"""The owner sees when backups and drills last ran; Today warns when either is two days old."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django.utils import timezone

from confide.operations.models import OperationRun

SignIn = Callable[..., HttpClient]


def _ran(kind: str, *, days_ago: float, ok: bool = True) -> OperationRun:
    return OperationRun.objects.create(
        kind=kind,
        at=timezone.now() - dt.timedelta(days=days_ago),
        ok=ok,
        archive="confide-backup-20270301T020000Z.age",
        size=2048,
        tables=40,
        rows=1234,
    )


@pytest.mark.parametrize(
    ("backup_days", "drill_days", "warns_backup", "warns_drill"),
    [
        (None, None, True, True),
        (0.5, 0.5, False, False),
        (2.5, 0.5, True, False),
        (0.5, 3, False, True),
        (1.9, 1.9, False, False),
    ],
)
def test_today_warns_the_owner_when_a_backup_or_drill_is_old_or_missing(
    signed_in: SignIn,
    owner: User,
    backup_days: float | None,
    drill_days: float | None,
    warns_backup: bool,
    warns_drill: bool,
) -> None:
    if backup_days is not None:
        _ran(OperationRun.Kind.BACKUP, days_ago=backup_days)
    if drill_days is not None:
        _ran(OperationRun.Kind.DRILL, days_ago=drill_days)

    html = signed_in(owner).get("/office/").content.decode()

    assert ("manage.py backup" in html) is warns_backup
    assert ("manage.py restore_drill" in html) is warns_drill
    assert ('id="backup-warning"' in html) is (warns_backup or warns_drill)


def test_a_failed_backup_does_not_count_as_the_last_one(signed_in: SignIn, owner: User) -> None:
    _ran(OperationRun.Kind.BACKUP, days_ago=3)
    _ran(OperationRun.Kind.BACKUP, days_ago=0.1, ok=False)
    _ran(OperationRun.Kind.DRILL, days_ago=0.1)

    html = signed_in(owner).get("/office/").content.decode()

    assert "The last backup was made 3" in html


def test_today_does_not_warn_anyone_but_the_owner(
    signed_in: SignIn, colleague: User, practice_manager: User
) -> None:
    for user in (colleague, practice_manager):
        html = signed_in(user).get("/office/").content.decode()
        assert 'id="backup-warning"' not in html
        assert "manage.py backup" not in html


def test_the_owner_sees_the_last_backup_and_drill_on_the_audit_page(
    signed_in: SignIn, owner: User
) -> None:
    _ran(OperationRun.Kind.BACKUP, days_ago=0.2)
    _ran(OperationRun.Kind.DRILL, days_ago=0.1)

    html = signed_in(owner).get("/office/audit/").content.decode()

    assert 'id="last-backup"' in html
    assert "2.0\xa0KB, 40 tables, 1234 rows" in html
    assert "Last successful restore drill" in html


def test_the_audit_page_says_an_old_backup_is_old_and_a_missing_one_only_once(
    signed_in: SignIn, owner: User
) -> None:
    _ran(OperationRun.Kind.BACKUP, days_ago=3)
    http = signed_in(owner)

    html = http.get("/office/audit/").content.decode()

    assert "The last backup is more than two days old." in html
    assert "No restore drill has passed yet." in html
    assert "drill is more than two days old" not in html  # said once, as "none yet"


@pytest.mark.parametrize("who", ["colleague", "practice_manager", "stranger"])
def test_only_the_owner_sees_the_backup_status(
    signed_in: SignIn, request: pytest.FixtureRequest, who: str
) -> None:
    _ran(OperationRun.Kind.BACKUP, days_ago=0.2)

    response = signed_in(request.getfixturevalue(who)).get("/office/audit/")

    assert response.status_code == 403
    assert b"last-backup" not in response.content


def test_anonymous_visitors_do_not_see_the_backup_status(client: HttpClient, db: None) -> None:
    response = client.get("/office/audit/")

    assert response.status_code == 302
