"""The widgets use other modules through their public API only: no ``obj._private`` read
(or ``getattr(obj, "_private")``) on anything but the widget itself, and no subclass of
another module's class that overrides its private methods."""

from __future__ import annotations

import ast
from pathlib import Path

import qualkit.widgets

WIDGETS = Path(qualkit.widgets.__file__).resolve().parent
OWN = {"self", "cls"}


def DUNDER_OK(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def private_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not DUNDER_OK(node.attr):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in OWN):
                found.append(f"line {node.lineno}: .{node.attr}")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr")
                and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
                and str(node.args[1].value).startswith("_")
                and not (isinstance(node.args[0], ast.Name) and node.args[0].id in OWN)):
            found.append(f"line {node.lineno}: {node.func.id}(..., {node.args[1].value!r})")
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if (isinstance(item, ast.FunctionDef) and item.name.startswith("_") and not DUNDER_OK(item.name)
                        and any(isinstance(b, (ast.Name, ast.Attribute)) for b in node.bases)
                        and not all(ast.unparse(b).startswith(("anywidget.", "traitlets.")) for b in node.bases)):
                    found.append(f"line {item.lineno}: {node.name}.{item.name} overrides a private method")
    return found


def test_the_checker_sees_what_it_forbids():
    code = ("class S(CodeSuggester):\n    def _features(self): pass\n"
            "x = redactor._fitted_texts\ny = getattr(redactor, '_fitted_texts', {})\nz = self._ok\n")
    assert len(private_uses(ast.parse(code))) == 3


def test_no_widget_module_reads_another_modules_private_names():
    problems = {p.name: private_uses(ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(WIDGETS.glob("*.py"))}
    assert {name: found for name, found in problems.items() if found} == {}
