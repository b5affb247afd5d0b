"""Importing ties from CSV: ``email_a,email_b[,strength][,last_interaction]``, admins only.

Every problem is reported with its line so an admin can fix the whole file in one pass; nothing is
written unless every line is valid (an import is all or nothing).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from askwell.network import repository
from askwell.network.rules import ORIGIN_WEIGHTS
from askwell.network.schemas import ImportLine, TieImportRead
from askwell.network.strength import mass_for_strength
from askwell.network.ties import imported_at, new_tie
from askwell.people import repository as people_repo
from askwell.people.errors import NotAllowed
from askwell.people.policy import Actor, can_administer

REQUIRED = ("email_a", "email_b")
OPTIONAL = ("strength", "last_interaction")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 200_000


@dataclass(frozen=True)
class TieRow:
    line: int
    email_a: str
    email_b: str
    strength: float | None
    last_interaction: date | None


def parse(data: bytes | str) -> tuple[list[TieRow], list[ImportLine]]:
    """Rows and problems (line 0 for the file as a whole); pure, no database."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            return [], [
                ImportLine(line=0, message=f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
            ]
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [ImportLine(line=0, message="The file is not UTF-8 text.")]
    reader = csv.reader(io.StringIO(data))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], [ImportLine(line=0, message="The file is empty.")]
    except csv.Error as exc:
        return [], [ImportLine(line=1, message=f"Not a CSV file: {exc}.")]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        parts = [f"missing column(s) {', '.join(missing)}"] if missing else []
        parts += [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
        expected = ",".join(REQUIRED + OPTIONAL)
        return [], [ImportLine(line=1, message=f"Header: {'; '.join(parts)} (expected {expected}).")]
    rows: list[TieRow] = []
    errors: list[ImportLine] = []
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                errors.append(ImportLine(line=0, message=f"More than {MAX_ROWS} rows; split the file."))
                break
            if len(values) != len(header):
                errors.append(
                    ImportLine(line=number, message=f"Expected {len(header)} values, found {len(values)}.")
                )
                continue
            cells = {k: v.strip() for k, v in zip(header, values, strict=True)}
            row, problem = _row(number, cells)
            if problem:
                errors.append(ImportLine(line=number, message=problem))
            elif row is not None:
                rows.append(row)
    except csv.Error as exc:
        errors.append(ImportLine(line=reader.line_num, message=f"Not valid CSV: {exc}."))
    return rows, errors


def _row(number: int, cells: dict[str, str]) -> tuple[TieRow | None, str]:
    a, b = cells["email_a"].lower(), cells["email_b"].lower()
    if not a or not b:
        return None, "Both emails are required."
    if a == b:
        return None, "A tie needs two different people."
    strength: float | None = None
    if cells.get("strength"):
        try:
            strength = float(cells["strength"])
        except ValueError:
            return None, f"Strength {cells['strength']!r} is not a number between 0 and 1."
        if not 0.0 <= strength <= 1.0:
            return None, f"Strength {cells['strength']!r} is not a number between 0 and 1."
    last: date | None = None
    if cells.get("last_interaction"):
        try:
            last = date.fromisoformat(cells["last_interaction"])
        except ValueError:
            return None, f"Date {cells['last_interaction']!r} is not YYYY-MM-DD."
    return TieRow(number, a, b, strength, last), ""


def import_ties(
    db: Session, *, actor: Actor, data: bytes | str, now: datetime, dry_run: bool = False
) -> TieImportRead:
    """Validate every line against the organization, then write all ties or none."""
    if not can_administer(actor):
        raise NotAllowed("import ties")
    rows, errors = parse(data)
    emails = {p.email: p.id for p in people_repo.all_people(db, org_id=actor.org_id)}
    seen: dict[tuple[int, int], int] = {}
    planned: list[tuple[TieRow, tuple[int, int]]] = []
    for row in rows:
        unknown = [e for e in (row.email_a, row.email_b) if e not in emails]
        if unknown:
            errors.append(
                ImportLine(line=row.line, message=f"Nobody in the organization has {', '.join(unknown)}.")
            )
            continue
        if row.last_interaction is not None and row.last_interaction > now.date():
            errors.append(ImportLine(line=row.line, message="The last interaction cannot be in the future."))
            continue
        pair = repository.ordered(emails[row.email_a], emails[row.email_b])
        if pair in seen:
            errors.append(ImportLine(line=row.line, message=f"Same pair as line {seen[pair]}."))
            continue
        seen[pair] = row.line
        planned.append((row, pair))
    existing = repository.ties_for_pairs(db, org_id=actor.org_id, pairs=[p for _, p in planned])
    for row, pair in planned:
        if pair in existing:
            errors.append(
                ImportLine(line=row.line, message="These two already have a tie; activity strengthens it.")
            )
    if not rows and not errors:
        errors.append(ImportLine(line=0, message="The file has no ties."))
    errors.sort(key=lambda e: e.line)
    if errors:
        return TieImportRead(created=0, dry_run=dry_run, errors=errors)
    if not dry_run:
        for row, (a, b) in planned:
            at = imported_at(row.last_interaction, now=now, field="last_interaction")
            mass = ORIGIN_WEIGHTS["imported"] if row.strength is None else mass_for_strength(row.strength)
            db.add(new_tie(actor.org_id, a, b, mass=mass, at=at, origin="imported", now=now))
        db.flush()
    return TieImportRead(created=len(planned), dry_run=dry_run, errors=[])
