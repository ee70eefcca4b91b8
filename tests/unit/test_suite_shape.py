"""The test suite's own shape: shared helpers live in support modules, never in test modules."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _imported_modules(tree: ast.Module) -> list[str]:
    """Every module a file imports, with ``from package import module`` counted as the module."""
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            modules.append(base)
            modules += [f"{base}.{alias.name}" for alias in node.names]
    return modules


def test_no_test_module_imports_from_another_test_module() -> None:
    offenders = [
        f"{path.relative_to(TESTS.parent)} imports {module}"
        for path in sorted(TESTS.rglob("test_*.py"))
        for module in _imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if any(part.startswith("test_") for part in module.split("."))
    ]
    assert offenders == [], "move shared helpers into a support module:\n" + "\n".join(offenders)
