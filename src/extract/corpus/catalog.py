"""raw/catalog.csv: what each input document is (columns in ../shared/docs/contract.md).

``load_catalog(path)`` validates every row before any work starts and reports every problem at once, one line
each with its row number (the header is row 1, as in a spreadsheet) — missing file, duplicate doc_id, unknown
or ambiguous region, bad year, bad doctype, bad admin_level, bad doc_id characters, and paths that leave the
catalog's folder (absolute, ``..``, or a link pointing outside; ``allow_outside`` accepts those).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from extract import config
from extract.grammar import gazetteer
from extract.model import ADMIN_LEVELS, DOCTYPES, META_FIELDS, DocMeta
from extract.safety import confine_path, valid_doc_id
from extract.terminal import did_you_mean

REQUIRED_COLUMNS = ("doc_id", "file", "region", "published", "doctype")
OPTIONAL_COLUMNS = ("admin_level", "adcode", "covers", "source", "notes")
YEAR_RANGE = (1949, 2100)


class RowProblemsError(Exception):
    """A hand-written table (catalog, corrections) that cannot be used. ``problems`` holds one line per
    problem, each naming its row; ``lines()`` prefixes the file."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s)")

    def lines(self) -> list[str]:
        """One line per problem (a line break inside a cell, or a path, is shown escaped)."""
        return [f"{self.path}: {p}".replace("\r", "\\r").replace("\n", "\\n") for p in self.problems]


class CatalogError(RowProblemsError):
    """raw/catalog.csv cannot be used."""


@dataclass
class CatalogEntry:
    row: int  # spreadsheet row number (header = 1)
    doc_id: str
    file: str  # as written in the catalog
    path: Path  # resolved
    region: str  # normalised by the gazetteer
    adcode: str
    admin_level: str
    published: int
    covers: str
    doctype: str
    outside: bool = False  # accepted only because of --allow-outside
    extra: dict[str, str] = field(default_factory=dict)  # source, notes and any added columns

    def meta(self, sha256: str = "") -> DocMeta:
        return DocMeta(doc_id=self.doc_id, region=self.region, adcode=self.adcode, admin_level=self.admin_level,
                       published=self.published, covers=self.covers, doctype=self.doctype, file=self.file,
                       sha256=sha256)


def load_catalog(path: str | Path, allow_outside: bool = False) -> list[CatalogEntry]:
    """Read and validate ``path``; raise CatalogError listing every problem, or return the entries."""
    path = Path(path)
    rows, problems = read_rows(path)
    if rows is None:
        raise CatalogError(path, problems)
    base = path.parent
    entries: list[CatalogEntry] = []
    first_row_of: dict[str, int] = {}
    for row, record in rows:
        entry, row_problems = _check_row(row, record, base, allow_outside, first_row_of)
        problems += [f"row {row}: {p}" for p in row_problems]
        if entry is not None and not row_problems:
            entries.append(entry)
    if problems:
        raise CatalogError(path, sorted(problems, key=row_of))
    return entries


class UnreadableTable(Exception):
    """A hand-written CSV that cannot be read at all; str() says why."""


def read_table(path: Path, comments: bool = False) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[str]]:
    """A hand-written CSV (catalog, corrections): its header, (row number, stripped cells by column) of every
    non-blank row, and a problem line for each row with more cells than the header. Rows are numbered by the
    file's lines (header = 1), as a spreadsheet shows them; with ``comments`` a line starting with # is skipped
    but still counted. Raises UnreadableTable. The csv module rather than pandas: a run reads its catalog before
    forking workers, and pandas would add 0.3 s of import to that serial start."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    except UnicodeDecodeError:
        raise UnreadableTable("not UTF-8 text (save it as CSV UTF-8)") from None
    if comments:
        lines = ["\n" if line.lstrip().startswith("#") else line for line in lines]
    reader = csv.reader(lines)
    header: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[str] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if not header:
                header = _header(cells)
                continue
            if len(cells) > len(header):
                problems.append(f"row {reader.line_num}: {len(cells)} cells but the header has {len(header)}")
                continue
            control = next(((header[i], ch) for i, c in enumerate(cells) for ch in c if _is_control(ch)), None)
            if control:
                problems.append(f"row {reader.line_num}: column {control[0]} holds a control character "
                                f"(U+{ord(control[1]):04X}); delete it")
                continue
            rows.append((reader.line_num, {name: cells[i].strip() if i < len(cells) else ""
                                           for i, name in enumerate(header)}))
    except csv.Error as exc:
        raise UnreadableTable(f"not a readable CSV (line {reader.line_num}): {exc}") from None
    return header, rows, problems


def _is_control(ch: str) -> bool:
    """C0/C1 control characters and NUL; tab and line breaks (inside a quoted cell) are ordinary text."""
    code = ord(ch)
    return (code < 0x20 and ch not in "\t\n\r") or 0x7F <= code <= 0x9F


def _header(cells: list[str]) -> list[str]:
    """The header's column names; a name given twice, or a control character, makes the table unusable (a
    second doc_id column would silently replace the first in every row)."""
    header = [c.strip() for c in cells]
    for i, name in enumerate(header):
        if any(_is_control(ch) for ch in name):
            raise UnreadableTable(f"not usable: header column {i + 1} holds a control character")
        if name and name in header[:i]:
            raise UnreadableTable(f"not usable: the header names column {name!r} twice (columns "
                                  f"{header.index(name) + 1} and {i + 1}); rename or delete one")
    return header


def row_of(problem: str) -> int:
    """The row a problem line names ('row 12: ...'; 0 for none), for listing problems top to bottom."""
    match = re.match(r"row (\d+):", problem)
    return int(match.group(1)) if match else 0


def read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]] | None, list[str]]:
    """The catalog's rows (see read_table) with every optional column, and problems; rows is None when the file
    cannot be used at all."""
    if not path.is_file():
        return None, [f"catalog not found ({path} is missing or not a file)"]
    try:
        header, rows, problems = read_table(path)
    except UnreadableTable as exc:
        return None, [f"catalog is {exc}"]
    if not header:
        return None, ["catalog is not a readable CSV: empty file"]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
        hints = "".join(f"; column {c!r}{did_you_mean(c, missing)}" for c in unknown if did_you_mean(c, missing))
        return None, [f"catalog lacks column(s) {', '.join(missing)} (needs {', '.join(REQUIRED_COLUMNS)}){hints}"]
    for _row, record in rows:
        for column in OPTIONAL_COLUMNS:
            record.setdefault(column, "")
    return rows, problems


def _check_row(row: int, record: dict, base: Path, allow_outside: bool,
               first_row_of: dict[str, int]) -> tuple[CatalogEntry | None, list[str]]:
    cell = {k: str(v).strip() for k, v in record.items()}
    doc_id = cell["doc_id"]
    problems = [p for p in [_doc_id_problem(doc_id, required=True)] if p]
    if not problems:
        if doc_id in first_row_of:
            problems.append(f"duplicate doc_id {doc_id!r} (first on row {first_row_of[doc_id]})")
        else:
            first_row_of[doc_id] = row
    resolved, outside = _check_file(cell["file"], base, allow_outside, problems)
    meta, meta_problems = document_meta(cell, check_doc_id=False)
    problems += meta_problems
    if problems or meta is None or resolved is None:
        return None, problems
    extra = {k: v for k, v in cell.items() if k not in REQUIRED_COLUMNS + ("admin_level", "adcode", "covers")}
    return CatalogEntry(row=row, doc_id=doc_id, file=cell["file"], path=resolved, region=meta.region,
                        adcode=meta.adcode, admin_level=meta.admin_level, published=meta.published,
                        covers=meta.covers, doctype=meta.doctype, outside=outside, extra=extra), []


def _doc_id_problem(doc_id: str, required: bool) -> str:
    if not doc_id:
        return "empty doc_id" if required else ""
    if not valid_doc_id(doc_id):
        return (f"bad doc_id {doc_id!r}: use letters, digits, '.', '_', '-' or Chinese characters "
                "(no '/', spaces or leading '.')")
    return ""


def document_meta(cells: Mapping[str, str], required: bool = True,
                  check_doc_id: bool = True) -> tuple[DocMeta | None, list[str]]:
    """What a catalog row (or the extract command's flags) says about a document, as a DocMeta normalised by the
    gazetteer (full region name, adcode, admin level), or the problems with it. This is the one way from cells
    to a DocMeta: ``reviewfigs run`` and ``reviewfigs extract`` give the same rows for the same document.

    ``cells`` may hold doc_id, region, adcode, admin_level, published, covers, doctype. With ``required`` (a
    catalog row) doc_id, region, published and doctype must be given; without it (command-line flags) empty
    cells stay empty."""
    cell = {k: str(cells.get(k) or "").strip() for k in META_FIELDS}
    doc_id = cell["doc_id"]
    problems = [p for p in [_doc_id_problem(doc_id, required)] if p and check_doc_id]

    place = None
    if cell["region"] or cell["adcode"] or required:
        try:
            place = gazetteer.lookup(cell["region"], cell["adcode"])
        except gazetteer.GazetteerError as exc:
            problems.append(str(exc))

    admin_level = cell["admin_level"]
    if admin_level and admin_level not in ADMIN_LEVELS:
        problems.append(f"bad admin_level {admin_level!r}{did_you_mean(admin_level, ADMIN_LEVELS)} "
                        f"(use {' | '.join(ADMIN_LEVELS)})")
    elif admin_level and place is not None and admin_level != place.level:
        problems.append(f"bad admin_level {admin_level!r}: {place.name} ({place.adcode}) is a {place.level}")

    published = _parse_year(cell["published"])
    if published is None and (cell["published"] or required):
        problems.append(f"bad year in published: {cell['published']!r} (a year such as 2021)")
    covers = _parse_covers(cell["covers"])
    if covers is None:
        problems.append(f"bad year in covers: {cell['covers']!r} (a year such as 2021 or a span such as 2017-2021)")

    doctype = cell["doctype"]
    if (doctype or required) and doctype not in DOCTYPES:
        problems.append(f"bad doctype {doctype!r}{did_you_mean(doctype, DOCTYPES)} (use {' | '.join(DOCTYPES)})")

    if problems:
        return None, problems
    return DocMeta(doc_id=doc_id, region=place.name if place else "", adcode=place.adcode if place else "",
                   admin_level=place.level if place else "", published=published, covers=covers or "",
                   doctype=doctype), []


@dataclass
class FileDescription:
    """What is known about one file read outside a run: its DocMeta (None when the description has problems),
    where that came from, in one line, and whether nothing described it at all."""

    meta: DocMeta | None
    problems: list[str]
    source: str
    undescribed: bool = False


def candidate_catalogs(path: Path, catalog: Path | None = None) -> list[Path]:
    """The catalogs that may list ``path``: the one given, else the catalog beside it, one folder up (the layout
    of raw/ and of the shared corpus) and the project's raw/catalog.csv."""
    if catalog is not None:
        return [catalog]
    found: list[Path] = []
    for candidate in (path.parent / "catalog.csv", path.parent.parent / "catalog.csv", config.RAW_DIR / "catalog.csv"):
        if candidate.is_file() and candidate.resolve() not in {f.resolve() for f in found}:
            found.append(candidate)
    return found


def catalog_row_for(path: Path, catalogs: list[Path]) -> tuple[Path, int, dict[str, str]] | None:
    """(catalog, row, cells) of the first row listing ``path``: by its path, else by the same bytes (size, then
    sha256), so a copy of a catalogued file is described the same wherever it lies."""
    from extract.figures import sha256_of

    target = path.resolve()
    size = target.stat().st_size if target.is_file() else -1
    digest = ""
    for catalog in catalogs:
        rows, _problems = read_rows(catalog)
        same_bytes = None
        for row, record in rows or []:
            if not record.get("file"):
                continue
            listed, outside = confine_path(catalog.parent, record["file"])
            if listed.resolve() == target:
                return catalog, row, record
            if same_bytes is None and outside is None and listed.is_file() and listed.stat().st_size == size:
                digest = digest or sha256_of(target)
                if sha256_of(listed) == digest:
                    same_bytes = (catalog, row, record)
        if same_bytes is not None:
            return same_bytes
    return None


def catalog_row_of(path: Path) -> dict[str, str] | None:
    """The cells of the catalog row that lists ``path`` (see candidate_catalogs, catalog_row_for), or None."""
    found = catalog_row_for(Path(path), candidate_catalogs(Path(path)))
    return found[2] if found else None


def describe_file(path: str | Path, overrides: Mapping[str, object] | None = None,
                  catalog: Path | None = None) -> FileDescription:
    """The DocMeta of one file read outside a run: its catalog row (if a catalog lists it, see catalog_row_for)
    with ``overrides`` (the command line's --region, --published, …; None = not given) on top, through
    ``document_meta``. The result does not depend on where the file lies, only on its bytes and the catalogs."""
    path = Path(path)
    if catalog is not None and not catalog.is_file():
        return FileDescription(None, [f"--catalog {catalog}: not found"], "")
    catalogs = candidate_catalogs(path, catalog)
    found = catalog_row_for(path, catalogs) if path.is_file() else None
    given = {name: str(value) for name, value in (overrides or {}).items() if value is not None}
    if found is None and catalog is not None:
        return FileDescription(None, [f"{catalog} lists no file with this path or these bytes"], "")
    cells = dict(found[2]) if found else {}
    if "region" in given or "adcode" in given:  # another place: the row's code and level are not its own
        for name in ("region", "adcode", "admin_level"):
            cells.pop(name, None)
    cells.update(given)
    meta, problems = document_meta(cells, required=False)
    if found:
        if meta is not None:
            meta.file = found[2].get("file", "")  # as `run` writes it: the catalog's file, not where this copy lies
        source = f"described by {found[0]} row {found[1]} ({found[2].get('doc_id', '')})"
        return FileDescription(meta, problems, source)
    looked = ", ".join(str(c) for c in catalogs) or "no catalog found"
    missing = [flag for flag, name in (("--region", "region"), ("--published", "published"),
                                       ("--covers", "covers"), ("--doctype", "doctype")) if name not in given]
    source = (f"no catalog lists this file (looked in {looked}); "
              + (f"without {', '.join(missing)} its figures have no document region, default year or doctype"
                 if missing else "described by the command line"))
    return FileDescription(meta, problems, source, undescribed=bool(missing))


def meta_for_file(path: str | Path, overrides: Mapping[str, object] | None = None) -> tuple[DocMeta | None, list[str]]:
    """describe_file's DocMeta and problems."""
    description = describe_file(path, overrides)
    return description.meta, description.problems


def _check_file(file: str, base: Path, allow_outside: bool, problems: list[str]) -> tuple[Path | None, bool]:
    if not file:
        problems.append("empty file")
        return None, False
    try:
        resolved, problem = confine_path(base, file, allow_outside=False)
        outside = problem is not None
        if problem and not allow_outside:
            problems.append(problem)
            return None, False
        if not resolved.exists():
            problems.append(f"missing file {file!r}{_near_file(file, resolved, base)} (not found at {resolved})")
            return None, outside
        if not resolved.is_file():
            problems.append(f"file {file!r} is not a regular file")
            return None, outside
    except (OSError, ValueError) as exc:  # a name too long for the file system, an invalid path
        problems.append(f"file {file[:80]!r} cannot be used: {getattr(exc, 'strerror', None) or exc}")
        return None, False
    return resolved, outside


def _near_file(file: str, resolved: Path, base: Path) -> str:
    """" (did you mean pdf/x_2021.pdf?)" for a mistyped file name: the close names beside where it should be."""
    if not resolved.parent.is_dir():
        return ""
    near = [str(p.relative_to(base)) for p in resolved.parent.glob("*") if p.is_file() and p.is_relative_to(base)]
    return did_you_mean(str(Path(file)), near, cutoff=0.8)


def _parse_year(text: str) -> int | None:
    if not re.fullmatch(r"\d{4}", text or ""):
        return None
    year = int(text)
    return year if YEAR_RANGE[0] <= year <= YEAR_RANGE[1] else None


def _parse_covers(text: str) -> str | None:
    """'2025' -> '2025'; '2017-2021' (also with – — ～ ~ or 至) -> '2017-2021'; '' -> ''; otherwise None."""
    if not text:
        return ""
    parts = re.split(r"\s*[-–—－~～至]\s*", text)
    years = [_parse_year(p) for p in parts]
    if len(parts) == 1 and years[0] is not None:
        return str(years[0])
    if len(parts) == 2 and None not in years and years[0] <= years[1]:
        return f"{years[0]}-{years[1]}"
    return None


def covers_span(covers: str) -> tuple[int, int] | None:
    """'2017-2021' -> (2017, 2021); '2025' -> (2025, 2025); '' -> None."""
    if not covers:
        return None
    first, _, last = covers.partition("-")
    return int(first), int(last or first)
