"""Importing people from a CSV file: a pure parser/validator and the admin-only use case.

The parser reports every problem with its line number so that an admin can fix the whole file in
one pass; nothing is written unless every row is valid, or the admin asked to skip invalid rows and
the skipped lines are reported back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy.orm import Session

from askwell.people import repository, service
from askwell.people.errors import NotAllowed
from askwell.people.policy import Actor, can_administer
from askwell.people.schemas import PersonCreate

REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = ("title", "timezone", "skills", "teams", "lead_of", "role", "can_help_with", "learning")
LIST_COLUMNS = frozenset({"skills", "teams", "lead_of"})
MAX_BYTES = 5 * 1024 * 1024
# Line 0 marks a problem with the file as a whole (size, encoding, row count), not with one line.
FILE_LINE = 0


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    message: str


@dataclass(frozen=True)
class ParsedRow:
    line: int
    person: PersonCreate


@dataclass
class ParsedFile:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # A file-level or header problem: no row can be trusted, so even --skip-invalid writes nothing.
    fatal: bool = False

    @property
    def invalid_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors if e.line != FILE_LINE})


@dataclass
class ImportReport:
    """``created`` counts the people written, or those that would be on a dry run."""

    created: int = 0
    written: bool = False
    errors: list[RowError] = field(default_factory=list)
    skipped_lines: list[int] = field(default_factory=list)


def _column_key(header: str) -> str:
    return header.strip().lower().replace(" ", "_").replace("-", "_")


def _fatal(line: int, column: str | None, message: str) -> ParsedFile:
    return ParsedFile(errors=[RowError(line, column, message)], fatal=True)


def _decode(data: bytes, max_bytes: int) -> str | ParsedFile:
    if len(data) > max_bytes:
        return _fatal(
            FILE_LINE,
            None,
            f"The file is larger than the limit of {max_bytes:,} bytes; split it into smaller files.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return _fatal(
            FILE_LINE,
            None,
            f"The file is not UTF-8 (invalid byte at position {exc.start}); save it as 'CSV UTF-8' and retry.",
        )
    if not text.strip():
        return _fatal(FILE_LINE, None, "The file is empty; it needs a header line with at least email,name.")
    return text


def _check_header(fieldnames: list[str]) -> list[RowError]:
    errors: list[RowError] = []
    keys = [_column_key(h) for h in fieldnames]
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    for key, raw in zip(keys, fieldnames, strict=True):
        if key not in known:
            errors.append(
                RowError(
                    1,
                    raw,
                    f"Unknown column {raw!r}; allowed: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}.",
                )
            )
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        errors.append(RowError(1, key, f"The column {key!r} appears more than once."))
    for key in REQUIRED_COLUMNS:
        if key not in keys:
            errors.append(RowError(1, key, f"The required column {key!r} is missing."))
    return errors


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _pydantic_errors(line: int, exc: ValidationError) -> list[RowError]:
    errors = []
    for err in exc.errors():
        column = str(err["loc"][0]) if err["loc"] else None
        message = err["msg"].removeprefix("Value error, ")
        errors.append(RowError(line, column, message[:1].upper() + message[1:]))
    return errors


def parse_people_csv(
    data: bytes,
    *,
    existing_emails: set[str],
    team_names: set[str],
    max_rows: int = 10_000,
    max_bytes: int = MAX_BYTES,
) -> ParsedFile:
    """Validate every row against ``PersonCreate``, the organization's emails and its teams.

    ``team_names`` are compared case-insensitively, ``existing_emails`` after normalisation.
    """
    text = _decode(data, max_bytes)
    if isinstance(text, ParsedFile):
        return text
    # strict: a quote left open at the end of the file is an error, not one giant last value.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        return _fatal(1, None, f"The header line cannot be read: {exc}.")
    if header_errors := _check_header(header):
        return ParsedFile(errors=header_errors, fatal=True)
    keys = [_column_key(h) for h in header]
    teams = {t.casefold() for t in team_names}
    taken = {e.strip().lower() for e in existing_emails}
    first_seen: dict[str, int] = {}
    result = ParsedFile()
    count = 0
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # The rest of the file cannot be trusted, so not even --skip-invalid may write part of it.
            message = (
                f'A quote (") opened on line {line} is never closed.'
                if "unexpected end of data" in str(exc)
                else f"This line cannot be read as CSV: {exc}."
            )
            result.errors.append(
                RowError(line if "end of data" in str(exc) else reader.line_num, None, message)
            )
            result.fatal = True
            break
        row_line, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > max_rows:
            return _fatal(
                FILE_LINE, None, f"The file has more than {max_rows:,} people; split it into smaller files."
            )
        if len(cells) > len(keys):
            result.errors.append(
                RowError(
                    row_line,
                    None,
                    f"This line has {len(cells)} values but the header has {len(keys)} columns.",
                )
            )
            continue
        values = dict(zip(keys, [c.strip() for c in cells], strict=False))
        if spilled := _spilled_columns(values):
            # A quote left open swallows the following lines into one value; say so rather than
            # importing one person with a name that holds the next row.
            result.errors.extend(
                RowError(
                    row_line,
                    column,
                    f'This value runs from line {row_line} to line {line - 1}: a quote (") is probably not '
                    "closed, so the following line was read into it.",
                )
                for column in spilled
            )
            continue
        parsed = _parse_row(row_line, values, teams=teams, taken=taken, first_seen=first_seen)
        if isinstance(parsed, ParsedRow):
            result.rows.append(parsed)
        else:
            result.errors.extend(parsed)
    if count == 0 and not result.errors:
        return _fatal(FILE_LINE, None, "The file has a header but no people.")
    return result


# Free-text columns may hold line breaks inside quotes; in any other column a line break means a quote
# was left open.
MULTILINE_COLUMNS = frozenset({"can_help_with", "learning"})


def _spilled_columns(values: dict[str, str]) -> list[str]:
    return [k for k, v in values.items() if k not in MULTILINE_COLUMNS and ("\n" in v or "\r" in v)]


def _parse_row(
    line: int, values: dict[str, str], *, teams: set[str], taken: set[str], first_seen: dict[str, int]
) -> ParsedRow | list[RowError]:
    fields: dict[str, object] = {}
    for key, value in values.items():
        if key in LIST_COLUMNS:
            fields[key] = _split(value)
        elif value or key in REQUIRED_COLUMNS:
            fields[key] = value
    errors: list[RowError] = []
    person: PersonCreate | None = None
    try:
        person = PersonCreate(**fields)
    except ValidationError as exc:
        errors.extend(_pydantic_errors(line, exc))
    for column in ("teams", "lead_of"):
        for name in _split(values.get(column, "")):
            if name.casefold() not in teams:
                errors.append(RowError(line, column, f"No team called {name!r} in this organization."))
    email = values.get("email", "").strip().lower()
    if email and not any(e.column == "email" for e in errors):
        if email in taken:
            errors.append(
                RowError(line, "email", f"{email} already belongs to someone in this organization.")
            )
        elif email in first_seen:
            errors.append(RowError(line, "email", f"{email} is already on line {first_seen[email]}."))
        else:
            first_seen[email] = line
    if errors or person is None:
        return errors
    return ParsedRow(line=line, person=person)


def import_people(
    db: Session,
    *,
    actor: Actor,
    data: bytes,
    dry_run: bool,
    skip_invalid: bool,
    now: datetime,
    max_rows: int = 10_000,
    max_bytes: int = MAX_BYTES,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Admins only. Writes all valid rows in one flush, or nothing; the caller commits."""
    if not can_administer(actor):
        raise NotAllowed("import people")
    parsed = parse_people_csv(
        data,
        existing_emails=repository.emails_in_org(db, org_id=actor.org_id),
        team_names={t.name for t in repository.teams_by_name(db, org_id=actor.org_id).values()},
        max_rows=max_rows,
        max_bytes=max_bytes,
    )
    report = ImportReport(errors=parsed.errors)
    if parsed.fatal or (parsed.errors and not skip_invalid):
        return report
    report.skipped_lines = parsed.invalid_lines
    report.created = len(parsed.rows)
    if dry_run or not parsed.rows:
        return report
    service.add_people(
        db, org_id=actor.org_id, people=[r.person for r in parsed.rows], now=now, on_progress=on_progress
    )
    report.written = True
    return report
