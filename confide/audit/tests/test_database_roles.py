"""The production guide's database roles, on PostgreSQL: the app role cannot rewrite the log."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

GUIDE = Path(settings.BASE_DIR) / "docs" / "production.md"


def _superuser_psql_available() -> bool:
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("psql"):
        return False
    done = subprocess.run(
        ["su", "postgres", "-c", f"psql -X -q -p {_port()} -c 'SELECT 1'"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _port() -> str:
    return str(settings.DATABASES["default"].get("PORT") or 5432)


pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="database roles are PostgreSQL's; SQLite has none"
    ),
]


@dataclass(frozen=True)
class Install:
    owner: str
    owner_password: str
    app: str
    app_password: str

    def url(self, role: str, password: str) -> str:
        host = settings.DATABASES["default"].get("HOST") or "127.0.0.1"
        return f"postgres://{role}:{password}@{host}:{_port()}/{self.app}"


def guide_sql(name: str, install: Install) -> str:
    """Return the guide's SQL block ``name`` with the test's role and database names."""
    blocks = re.findall(r"```sql\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
    block = next(b for b in blocks if b.startswith(f"-- {name}:"))
    # The guide's app role and database are both "confide"; so are the test's, renamed.
    block = re.sub(r"\bconfide_owner\b", install.owner, block)
    return re.sub(r"\bconfide\b", install.app, block)


def superuser_psql(sql: str, *variables: str) -> None:
    args = " ".join(f"-v {v}" for v in variables)
    subprocess.run(
        ["su", "postgres", "-c", f"psql -X -q -v ON_ERROR_STOP=1 -p {_port()} {args}"],
        input=sql.encode(),
        check=True,
        capture_output=True,
    )


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": database_url, "CONFIDE_ENV": "development"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def install() -> Iterator[Install]:
    """A database made as the guide says, migrated as its owner; dropped afterwards."""
    if not _superuser_psql_available():
        pytest.skip("needs the PostgreSQL superuser through `su postgres` (CI runs as root)")
    tag = secrets.token_hex(4)
    made = Install(f"t_owner_{tag}", secrets.token_hex(16), f"t_app_{tag}", secrets.token_hex(16))
    try:
        superuser_psql(
            guide_sql("roles.sql", made),
            f"owner_password={made.owner_password}",
            f"app_password={made.app_password}",
        )
        migrated = manage(
            "migrate", "--no-input", "--skip-checks", "-v0",
            database_url=made.url(made.owner, made.owner_password),
        )  # fmt: skip
        assert migrated.returncode == 0, migrated.stderr
        superuser_psql(guide_sql("grants.sql", made))
        yield made
    finally:
        superuser_psql(
            f"DROP DATABASE IF EXISTS {made.app} WITH (FORCE);"
            f"DROP ROLE IF EXISTS {made.app}; DROP ROLE IF EXISTS {made.owner};"
        )


def connect(install: Install, role: str, password: str) -> psycopg.Connection:
    host = str(settings.DATABASES["default"].get("HOST") or "127.0.0.1")
    return psycopg.connect(
        host=host, port=_port(), dbname=install.app, user=role, password=password, autocommit=True
    )


REWRITES = [
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_event_no_update ON audit_auditevent",
    "ALTER TABLE audit_auditevent OWNER TO CURRENT_USER",
    "UPDATE audit_auditevent SET summary = 'rewritten'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    "SET session_replication_role = replica",
    "CREATE TABLE audit_copy (id integer)",
]


@pytest.mark.parametrize("statement", REWRITES)
def test_the_app_role_cannot_rewrite_the_audit_log(install: Install, statement: str) -> None:
    with connect(install, install.app, install.app_password) as app:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(statement)
        assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone() is not None


def test_the_owner_role_can_so_the_refusals_are_about_the_role(install: Install) -> None:
    with connect(install, install.owner, install.owner_password) as owner, owner.transaction():
        owner.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
        owner.execute("TRUNCATE audit_auditevent")
        raise psycopg.Rollback()


def test_the_app_role_runs_the_app_and_verifies_the_chain(install: Install) -> None:
    app_url = install.url(install.app, install.app_password)
    appended = manage(
        "shell", "-v0", "-c",
        "import uuid; from confide.audit.services import audit_record; "
        "audit_record(request=None, actor=None, action='view', target_type='client', "
        "target_uid=uuid.uuid4(), client_uid=None)",
        database_url=app_url,
    )  # fmt: skip
    assert appended.returncode == 0, appended.stderr
    verified = manage("audit_verify", database_url=app_url)
    assert verified.returncode == 0, verified.stderr
    assert "intact: 1 event verified" in verified.stdout


def test_check_deploy_warns_for_the_owner_and_not_for_the_app_role(install: Install) -> None:
    as_owner = manage(
        "check", "--deploy", database_url=install.url(install.owner, install.owner_password)
    )
    as_app = manage(
        "check", "--deploy", database_url=install.url(install.app, install.app_password)
    )
    assert "confide_audit.W001" in as_owner.stderr + as_owner.stdout
    assert "confide_audit" not in as_app.stderr + as_app.stdout
