"""Which source files make a result, and one checksum of them.

The run cache must be invalidated by any edit that can change what a document yields, and a report must rerun
when the code that draws it changes. Both keys are computed here from the code itself instead of hand-kept
lists of file names: the static import closure of one module or package (``import`` statements, also those
inside functions), with the data files kept beside the modules it reaches (``grammar/taxonomy.yaml``). The
cache's closure is widened to every module of each sub-package it reaches: a reader added under ``read/`` is
dispatched by name and must count before anything imports it statically.

    code_fingerprint("extract.figures")   # the cache: read/, grammar/, figures, model, normalize, config
    code_fingerprint("extract.charts", widen=False)   # a report: charts/ and the code it runs
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

PACKAGE = "extract"
PACKAGE_DIR = Path(__file__).resolve().parent
DATA_SUFFIXES = (".yaml", ".yml", ".csv", ".json", ".txt")


def module_file(name: str, package_dir: Path = PACKAGE_DIR) -> Path | None:
    """The file of module ``extract.a.b`` (a module or a package's ``__init__.py``), or None."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = package_dir.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_name(path: Path, package_dir: Path = PACKAGE_DIR) -> str:
    rel = path.relative_to(package_dir).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([PACKAGE, *parts])


# `from extract.x import a, b` (also parenthesised over several lines) and `import extract.x` at any indentation
# (imports inside functions count). A regex rather than ast: 25x faster, and a run computes this before its
# first worker starts. A docstring line that looks like an import can only add a file, never leave one out.
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(extract(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)"
                     r"|import[ \t]+(extract(?:\.\w+)*))", re.M)


def imported_modules(path: Path, package_dir: Path = PACKAGE_DIR) -> set[str]:
    """The package modules ``path`` imports anywhere in its body (``from extract.a import b`` names the module
    ``extract.a.b`` when that is a module, else ``extract.a``)."""
    found: set[str] = set()
    for source, names, plain in _IMPORT.findall(path.read_text(encoding="utf-8")):
        if plain:
            found.add(plain)
            continue
        found.add(source)
        for item in re.sub(r"#[^\n]*", "", names).strip("() \n").split(","):
            name = item.split(" as ")[0].strip()
            if name.isidentifier() and module_file(f"{source}.{name}", package_dir):
                found.add(f"{source}.{name}")
    return {name for name in found if module_file(name, package_dir)}


def import_closure(root: str, package_dir: Path = PACKAGE_DIR) -> set[Path]:
    """Files of ``root`` and of every package module it imports, directly or not, with the ``__init__.py`` of
    every package on the way (importing ``extract.read.pdf`` runs ``extract/read/__init__.py``)."""
    seen: set[Path] = set()
    todo = [root]
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for k in range(1, len(parts) + 1):
            path = module_file(".".join(parts[:k]), package_dir)
            if path is None or path in seen:
                continue
            seen.add(path)
            todo.extend(imported_modules(path, package_dir))
    return seen


def code_files(root: str, package_dir: Path = PACKAGE_DIR, widen: bool = True) -> list[Path]:
    """The import closure of ``root`` (a module, or a package: all of its modules), sorted. With ``widen``, also
    every module and data file of each sub-package it reaches (else only the data files kept beside a module
    it reaches)."""
    path = module_file(root, package_dir)
    roots = [root]
    if path is not None and path.name == "__init__.py":
        roots += [module_name(p, package_dir) for p in path.parent.rglob("*.py") if "__pycache__" not in p.parts]
    files: set[Path] = set()
    for name in roots:
        files |= import_closure(name, package_dir)
    suffixes = (".py", *DATA_SUFFIXES) if widen else DATA_SUFFIXES
    for folder in {p.parent for p in files if p.parent != package_dir}:
        files.update(p for p in folder.rglob("*")
                     if p.is_file() and p.suffix in suffixes and "__pycache__" not in p.parts)
    return sorted(files)


def code_fingerprint(root: str, package_dir: Path = PACKAGE_DIR, widen: bool = True) -> str:
    """A checksum of the names and bytes of ``code_files(root)`` (16 hex digits)."""
    digest = hashlib.sha256()
    for path in code_files(root, package_dir, widen):
        digest.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]
