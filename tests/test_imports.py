"""The package's imports follow its data flow: no cycles, no reaching into another module's underscore names,
and each folder imports only what its ``__init__`` docstring allows ("Imports: ...")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from extract.config import PACKAGE_DIR

# Top-level modules that hold plain data and helpers: they import nothing of the package.
LEAVES = ("model", "normalize", "config", "fingerprint", "safety", "terminal")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(PACKAGE_DIR).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(["extract", *parts])] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The package module a dotted name refers to (``extract.a.b.func`` -> ``extract.a.b``)."""
    parts = name.split(".")
    for k in range(len(parts), 0, -1):
        candidate = ".".join(parts[:k])
        if candidate in MODULES:
            return candidate
    return None


def _imports(module: str) -> list[tuple[str, str, int]]:
    """(imported module, imported name or '', line) of every package import in ``module``, at any depth."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "extract" and (target := _resolve(alias.name)):
                    found.append((target, "", node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "extract":
            assert not node.level, f"{module}: relative import on line {node.lineno}"
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                if sub in MODULES:
                    found.append((sub, "", node.lineno))
                elif target := _resolve(node.module):
                    found.append((target, alias.name, node.lineno))
    return found


def _graph() -> dict[str, set[str]]:
    return {m: {t for t, _n, _l in _imports(m) if t != m} for m in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` (node -> nodes it imports) as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if not state.get(nxt) and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if not state.get(node) and (cycle := visit(node)):
            return cycle
    return None


def test_there_is_no_import_cycle() -> None:
    cycle = find_cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_module_imports_another_modules_underscore_names() -> None:
    bad = []
    for module in MODULES:
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        aliases = {}
        for target, name, line in _imports(module):
            if name.startswith("_") and target != module:
                bad.append(f"{module}:{line} imports {target}.{name}")
        for node in ast.walk(tree):  # `import extract.x as x` then `x._private`
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("extract"):
                for alias in node.names:
                    if f"{node.module}.{alias.name}" in MODULES:
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname and alias.name in MODULES:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                bad.append(f"{module}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    assert bad == []


def _allowed(folder_init: Path) -> list[str]:
    doc = ast.get_docstring(ast.parse(folder_init.read_text(encoding="utf-8"))) or ""
    match = re.search(r"^Imports: (.+?)(?:\n\n|\Z)", doc, re.M | re.S)
    assert match, f"{folder_init}: the docstring says what the folder may import ('Imports: ...')"
    return re.findall(r"extract(?:\.\w+)*", match.group(1))


@pytest.mark.parametrize("folder", sorted(p.name for p in PACKAGE_DIR.iterdir()
                                          if (p / "__init__.py").is_file()))
def test_each_folder_imports_only_what_its_docstring_allows(folder: str) -> None:
    allowed = [f"extract.{folder}", *_allowed(PACKAGE_DIR / folder / "__init__.py")]
    bad = []
    for module in MODULES:
        if not module.startswith(f"extract.{folder}"):
            continue
        for target, _name, line in _imports(module):
            if not any(target == a or target.startswith(a + ".") for a in allowed):
                bad.append(f"{module}:{line} imports {target}")
    assert bad == [], f"allowed: {allowed}"


@pytest.mark.parametrize("leaf", LEAVES)
def test_plain_data_and_helper_modules_import_nothing_of_the_package(leaf: str) -> None:
    assert _imports(f"extract.{leaf}") == []
