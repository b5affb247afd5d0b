"""Queries live in repositories: no SQL statement is built outside a ``repository.py`` or a migration.

"Every query in the repository, scoped by who asks" (docs/architecture.md, the anatomy of a domain)
only holds if nothing else builds statements. This reads every module of ``askwell`` and fails on a
call to SQLAlchemy's ``select``, ``update``, ``delete``, ``insert`` or ``text`` (imported by name, from
any ``sqlalchemy`` module, or through the module, ``sa.select``) and on raw SQL sent with
``exec_driver_sql``, outside the places allowed below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import askwell

PACKAGE = Path(askwell.__file__).parent
STATEMENTS = frozenset({"select", "update", "delete", "insert", "text"})

#: Core infrastructure that is its own repository, with the reason each may build statements.
ALLOWED: dict[str, str] = {
    "core/db.py": "the engine's own SQL: SQLite's pragmas and BEGIN IMMEDIATE, PostgreSQL's advisory lock",
    "core/jobs.py": "the job queue: claiming under a lease (FOR UPDATE SKIP LOCKED), heartbeats, cursors",
    "core/job_upkeep.py": "the bounded batch delete every retention purge uses, and the queue's metrics",
    "core/broadcast.py": "live fan-out on PostgreSQL: pg_notify on the broadcaster's own connection, outside any unit of work",
}

#: Modules whose queries have not moved into their domain's repository yet. The test fails when one
#: of them no longer needs its place, so the list only shrinks. Each says why it is still here.
NOT_YET_MOVED: dict[str, str] = {}


def _allowed(module: str) -> bool:
    return (
        module.endswith("repository.py")
        or module.startswith("migrations/")
        or module in ALLOWED
        or module in NOT_YET_MOVED
    )


def statements_built(source: str) -> list[tuple[int, str]]:
    """(line, what) for every statement-building call in ``source``."""
    tree = ast.parse(source)
    by_name: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            by_name.update({a.asname or a.name: a.name for a in node.names if a.name in STATEMENTS})
            if node.module == "sqlalchemy":
                modules.update(a.asname or a.name for a in node.names if a.name in {"sql", "future"})
        elif isinstance(node, ast.Import):
            modules.update(
                a.asname or a.name.split(".")[0] for a in node.names if a.name.split(".")[0] == "sqlalchemy"
            )
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in by_name:
            found.append((node.lineno, by_name[func.id]))
        elif isinstance(func, ast.Attribute) and func.attr == "exec_driver_sql":
            found.append((node.lineno, "exec_driver_sql"))
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in STATEMENTS
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        ):
            found.append((node.lineno, func.attr))
    return found


def _modules() -> dict[str, list[tuple[int, str]]]:
    return {
        path.relative_to(PACKAGE).as_posix(): statements_built(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_statements_are_built_only_in_repositories_and_migrations() -> None:
    offenders = [
        f"askwell/{module}:{line}: {what}(...)"
        for module, calls in _modules().items()
        if not _allowed(module)
        for line, what in calls
    ]
    assert offenders == [], "move these queries into the domain's repository.py:\n" + "\n".join(offenders)


def test_every_exception_is_still_needed() -> None:
    modules = _modules()
    stale = [m for m in {**ALLOWED, **NOT_YET_MOVED} if not modules.get(m)]
    assert stale == [], f"no longer build statements (or are gone): remove them from the lists: {stale}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from sqlalchemy import select\nselect(A)", [(2, "select")]),
        ("from sqlalchemy import delete as d\nd(A)", [(2, "delete")]),
        ("from sqlalchemy.dialects.postgresql import insert\ninsert(A)", [(2, "insert")]),
        ("import sqlalchemy as sa\nsa.text('SELECT 1')", [(2, "text")]),
        ("import sqlalchemy\nsqlalchemy.update(A)", [(2, "update")]),
        ("conn.exec_driver_sql('VACUUM')", [(1, "exec_driver_sql")]),
        # Not statements: a dict's update, a string's replace, our own functions named alike.
        ("values = {}\nvalues.update(a=1)", []),
        ("from askwell.people import repository\nrepository.select(1)", []),
        ("from sqlalchemy import func\nfunc.count()", []),
    ],
)
def test_the_scanner_finds_statements_and_nothing_else(source: str, expected: list[tuple[int, str]]) -> None:
    assert statements_built(source) == expected
