"""Every query the stores send is a constant: values travel only as parameters.

A static check over the store modules: the first argument of each execute/executemany/run call
must be built from string literals and module-level constants (UPPER_CASE names, or entries of
UPPER_CASE tables prepared from the closed enums), never from a variable or an f-string.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STORE_DIR = Path(__file__).resolve().parents[2] / "graph" / "store"
QUERY_METHODS = {"execute", "executemany", "executescript", "run"}


def _is_constant_query(node: ast.expr, loop_names: frozenset[str] = frozenset()) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Name):
        return node.id.lstrip("_").isupper() or node.id in loop_names
    if isinstance(node, ast.IfExp):
        return _is_constant_query(node.body) and _is_constant_query(node.orelse)
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name) and node.value.id.lstrip("_").isupper()
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_constant_query(node.left, loop_names) and _is_constant_query(
            node.right, loop_names
        )
    return False


def _constant_loop_names(tree: ast.AST) -> frozenset[str]:
    """Names bound by `for name in UPPER_CONSTANT:` loops (statements of a constant list)."""
    return frozenset(
        node.target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.For)
        and isinstance(node.target, ast.Name)
        and isinstance(node.iter, ast.Name)
        and node.iter.id.lstrip("_").isupper()
    )


def _query_calls(path: Path) -> tuple[list[ast.Call], frozenset[str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in QUERY_METHODS
        and node.args
    ], _constant_loop_names(tree)


@pytest.mark.parametrize("module", ["sqlite.py", "neo4j.py"])
def test_queries_are_never_formatted_from_values(module: str) -> None:
    calls, loop_names = _query_calls(STORE_DIR / module)
    assert len(calls) >= 10, "the check found too few queries; is it still looking at the stores?"
    offenders = [
        f"{module}:{call.lineno}: {ast.unparse(call.args[0])[:80]}"
        for call in calls
        if not _is_constant_query(call.args[0], loop_names)
    ]
    assert offenders == []


def test_the_check_catches_formatting() -> None:
    bad = ast.parse("conn.execute(f\"SELECT * FROM t WHERE name = '{name}'\")").body[0].value  # type: ignore[attr-defined]
    concat = ast.parse('conn.execute("SELECT " + name)').body[0].value  # type: ignore[attr-defined]
    assert not _is_constant_query(bad.args[0])
    assert not _is_constant_query(concat.args[0])
    assert _is_constant_query(ast.parse("x.run(_WRITE_NODES[label])").body[0].value.args[0])  # type: ignore[attr-defined]
