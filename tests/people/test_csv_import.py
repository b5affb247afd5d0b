"""Importing people from CSV: every bad input is reported by line, and nothing half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.people.csv_import import FILE_LINE, RowError, import_people, parse_people_csv
from askwell.people.errors import NotAllowed
from askwell.people.models import Organization, Person, Role, TeamMembership
from askwell.people.repository import all_people
from tests.conftest import NOW, World, system_actor


def parse(text: str | bytes, *, existing: set[str] | None = None, teams: set[str] | None = None, **kw):  # type: ignore[no-untyped-def]
    data = text.encode() if isinstance(text, str) else text
    return parse_people_csv(data, existing_emails=existing or set(), team_names=teams or set(), **kw)


def messages(result) -> list[tuple[int, str | None]]:  # type: ignore[no-untyped-def]
    return [(e.line, e.column) for e in result.errors]


class TestParse:
    def test_valid_file_with_every_column(self) -> None:
        result = parse(
            "email,name,title,timezone,skills,teams,lead_of,role,can_help_with,learning\n"
            "Ada@Example.com, Ada Lovelace ,Analyst,Europe/London,Maths; Engines ;maths,Data,Data,lead,Proofs,Poetry\n",
            teams={"Data"},
        )
        assert result.errors == []
        person = result.rows[0].person
        assert (result.rows[0].line, person.email, person.name) == (2, "ada@example.com", "Ada Lovelace")
        assert person.skills == ["Maths", "Engines"]
        assert (person.teams, person.lead_of, person.role) == (["Data"], ["Data"], Role.LEAD)
        assert (person.timezone, person.can_help_with, person.learning) == (
            "Europe/London",
            "Proofs",
            "Poetry",
        )

    def test_utf8_bom_and_spaced_headers_are_accepted(self) -> None:
        result = parse("\ufeffEmail, Name ,Can help with\nli@example.com,李 雷,Kanji\n".encode())
        assert result.errors == []
        assert result.rows[0].person.name == "李 雷"
        assert result.rows[0].person.can_help_with == "Kanji"

    def test_blank_optional_cells_take_defaults(self) -> None:
        result = parse("email,name,timezone,role\na@example.com,A,,\n")
        assert result.rows[0].person.timezone == "UTC"
        assert result.rows[0].person.role == Role.MEMBER

    def test_missing_required_column_is_a_header_error(self) -> None:
        result = parse("name,title\nAda,Analyst\n")
        assert result.fatal
        assert messages(result) == [(1, "email")]

    def test_unknown_and_duplicate_columns(self) -> None:
        result = parse("email,name,nickname,name\na@example.com,A,x,A\n")
        assert result.fatal
        assert sorted(messages(result), key=str) == sorted([(1, "nickname"), (1, "name")], key=str)

    def test_each_bad_row_is_reported_with_its_line_and_column(self) -> None:
        result = parse(
            "email,name,teams,role,timezone,title\n"
            "ok@example.com,Ok,,,,\n"
            "not-an-email,Bad Email,,,,\n"
            "team@example.com,Team,Nowhere,,,\n"
            "role@example.com,Role,,boss,,\n"
            "tz@example.com,Tz,,,Mars/Olympus,\n"
            f"long@example.com,Long,,,,{'x' * 121}\n"
            "noname@example.com,,,,,\n",
            teams={"Data"},
        )
        assert [r.line for r in result.rows] == [2]
        assert messages(result) == [
            (3, "email"),
            (4, "teams"),
            (5, "role"),
            (6, "timezone"),
            (7, "title"),
            (8, "name"),
        ]
        assert not result.fatal
        assert result.invalid_lines == [3, 4, 5, 6, 7, 8]

    def test_duplicate_emails_in_file_and_in_organization(self) -> None:
        result = parse(
            "email,name\na@example.com,A\nA@EXAMPLE.com,Again\ntaken@example.com,T\n",
            existing={"taken@example.com"},
        )
        assert result.errors == [
            RowError(3, "email", "a@example.com is already on line 2."),
            RowError(4, "email", "taken@example.com already belongs to someone in this organization."),
        ]

    def test_line_numbers_follow_multiline_cells_and_blank_lines(self) -> None:
        result = parse('email,name,learning\n\na@example.com,A,"two\nlines"\nbad,B,\n')
        assert [r.line for r in result.rows] == [3]
        assert messages(result) == [(5, "email")]

    def test_an_unreadable_line_makes_the_whole_file_invalid(self) -> None:
        result = parse(f"email,name,learning\na@example.com,A,\nb@example.com,B,{'x' * 200_000}\n")
        assert result.fatal
        assert [(e.line, e.column) for e in result.errors] == [(3, None)]
        assert "cannot be read as CSV" in result.errors[0].message

    def test_an_open_quote_does_not_swallow_the_next_row(self) -> None:
        result = parse('email,name\na@example.com,"Ann\nb@example.com,Bob"\nc@example.com,Cy\n')
        assert [r.person.email for r in result.rows] == ["c@example.com"]
        assert messages(result) == [(2, "name")]
        assert "quote" in result.errors[0].message

    def test_a_quote_open_at_the_end_of_the_file_is_reported_on_its_line(self) -> None:
        result = parse('email,name\na@example.com,A\nb@example.com,"Bob\nc@example.com,Cy\n')
        assert result.fatal
        assert messages(result) == [(3, None)]
        assert "never closed" in result.errors[0].message

    @pytest.mark.parametrize(
        "name", ["Ann\u200bSmith", "\u202eevil.exe", "Ann\x00", "Ann\u2066x\u2069", "Ann\x1bSmith"]
    )
    def test_invisible_or_control_characters_in_a_name_are_refused(self, name: str) -> None:
        result = parse(f"email,name\na@example.com,{name}\n")
        assert result.rows == []
        assert messages(result) == [(2, "name")]
        assert "visible characters" in result.errors[0].message

    def test_too_many_values_on_a_line(self) -> None:
        result = parse("email,name\na@example.com,A,extra\n")
        assert messages(result) == [(2, None)]

    @pytest.mark.parametrize(
        ("data", "fragment"),
        [
            (b"", "empty"),
            (b"  \n", "empty"),
            (b"\xef\xbb\xbf\r\n", "empty"),
            (b"email,name\n", "no people"),
            ("email,name\nb@example.com,Bj\xf6rn\n".encode("latin-1"), "not UTF-8"),
        ],
    )
    def test_file_level_problems(self, data: bytes, fragment: str) -> None:
        result = parse(data)
        assert result.fatal
        assert [e.line for e in result.errors] == [FILE_LINE]
        assert fragment in result.errors[0].message

    def test_too_many_rows(self) -> None:
        rows = "".join(f"p{i}@example.com,P{i}\n" for i in range(4))
        result = parse("email,name\n" + rows, max_rows=3)
        assert result.fatal
        assert "more than 3" in result.errors[0].message

    def test_file_larger_than_the_limit(self) -> None:
        result = parse("email,name\n" + "a@example.com,A\n" * 100, max_bytes=1024)
        assert result.fatal
        assert "limit of 1,024 bytes" in result.errors[0].message


def people_count(db: Session, org: Organization) -> int:
    return db.scalar(select(func.count()).select_from(Person).where(Person.org_id == org.id)) or 0


VALID = b"email,name,teams,lead_of,skills\nnew@example.com,New Person,Data,Data,SQL;Python\nother@example.com,Other,,,\n"
MIXED = b"email,name,teams\ngood@example.com,Good,Data\nbad-email,Bad,\nteam@example.com,T,Nowhere\n"


class TestImportPeople:
    def test_valid_file_creates_everyone_with_skills_and_teams(self, db: Session, world: World) -> None:
        org = world.org()
        world.team(org, "Data")
        report = import_people(
            db, actor=system_actor(org), data=VALID, dry_run=False, skip_invalid=False, now=NOW
        )
        assert (report.created, report.written, report.errors, report.skipped_lines) == (2, True, [], [])
        people = {p.email: p for p in all_people(db, org_id=org.id)}
        assert people["new@example.com"].skill_names == ["SQL", "Python"]
        assert [(m.team.name, m.is_lead) for m in people["new@example.com"].memberships] == [("Data", True)]
        assert people["other@example.com"].memberships == []

    def test_one_bad_row_writes_nothing(self, db: Session, world: World) -> None:
        org = world.org()
        world.team(org, "Data")
        report = import_people(
            db, actor=system_actor(org), data=MIXED, dry_run=False, skip_invalid=False, now=NOW
        )
        assert (report.created, report.written) == (0, False)
        assert [e.line for e in report.errors] == [3, 4]
        assert people_count(db, org) == 0

    def test_skip_invalid_writes_the_valid_rows_and_lists_the_skipped_lines(
        self, db: Session, world: World
    ) -> None:
        org = world.org()
        world.team(org, "Data")
        report = import_people(
            db, actor=system_actor(org), data=MIXED, dry_run=False, skip_invalid=True, now=NOW
        )
        assert (report.created, report.written, report.skipped_lines) == (1, True, [3, 4])
        assert [p.email for p in all_people(db, org_id=org.id)] == ["good@example.com"]

    def test_skip_invalid_does_not_bypass_a_file_level_error(self, db: Session, world: World) -> None:
        org = world.org()
        report = import_people(
            db, actor=system_actor(org), data=b"name\nX\n", dry_run=False, skip_invalid=True, now=NOW
        )
        assert (report.created, report.written) == (0, False)
        assert people_count(db, org) == 0

    def test_dry_run_reports_but_writes_nothing(self, db: Session, world: World) -> None:
        org = world.org()
        world.team(org, "Data")
        report = import_people(
            db, actor=system_actor(org), data=VALID, dry_run=True, skip_invalid=False, now=NOW
        )
        assert (report.created, report.written, report.errors) == (2, False, [])
        assert people_count(db, org) == 0
        assert db.scalar(select(func.count()).select_from(TeamMembership)) == 0

    def test_emails_of_the_organization_are_taken_but_other_organizations_do_not_matter(
        self, db: Session, world: World
    ) -> None:
        org, other = world.org(), world.org("Other")
        mine = world.person(org, "Mine")
        theirs = world.person(other, "Theirs")
        data = f"email,name\n{mine.email},Again\n{theirs.email},Fine\n".encode()
        report = import_people(
            db, actor=system_actor(org), data=data, dry_run=True, skip_invalid=False, now=NOW
        )
        assert [(e.line, e.column) for e in report.errors] == [(2, "email")]

    def test_teams_of_another_organization_are_unknown(self, db: Session, world: World) -> None:
        org, other = world.org(), world.org("Other")
        world.team(other, "Data")
        report = import_people(
            db,
            actor=system_actor(org),
            data=b"email,name,teams\na@example.com,A,Data\n",
            dry_run=False,
            skip_invalid=False,
            now=NOW,
        )
        assert [(e.line, e.column) for e in report.errors] == [(2, "teams")]

    @pytest.mark.parametrize("role", [Role.MEMBER, Role.LEAD])
    def test_only_admins_may_import(self, db: Session, world: World, role: Role) -> None:
        org = world.org()
        actor = world.actor(world.person(org, role=role))
        with pytest.raises(NotAllowed):
            import_people(db, actor=actor, data=VALID, dry_run=True, skip_invalid=False, now=NOW)
