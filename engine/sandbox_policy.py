"""How process scripts and conditions are compiled: RestrictedPython's checks, ours, and the budget hooks.

Refused when the model is deployed (the messages are Swedish and say the line):
``import`` of any module, classes, a ``while`` loop whose condition is always true and that
has no ``break``/``return``/``raise``, a function that calls itself, and constant expressions
that would make a value over the size limit (``"a" * 300_000_000``).

Rewritten for :class:`engine.sandbox_budget.Budget`: a ``_tick_()`` at the start of every
loop body and function, in every lambda and as the first condition of every comprehension;
every call ``f(x)`` becomes ``_call_(f, x)``; ``*``, ``**``, ``<<``, ``+`` and ``%`` become
guard calls; f-string fields with a format spec go through ``_format_``; comprehensions'
results through ``_made_``. Names starting with ``_`` cannot be written in the source, so the
code cannot replace or call these hooks itself.
"""

from __future__ import annotations

import ast
from typing import Any

from RestrictedPython import RestrictingNodeTransformer

from engine import limits
from engine.sandbox_budget import Budget, ScriptLimit

_OPERATOR_GUARDS: dict[type[ast.operator], str] = {
    ast.Mult: "_mul_",
    ast.Pow: "_pow_",
    ast.LShift: "_lshift_",
    ast.Add: "_add_",
    ast.Mod: "_mod_",
}
_LOOPS = (ast.For, ast.While, ast.AsyncFor)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _call(name: str, args: list[ast.expr], like: ast.AST) -> ast.Call:
    node = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    return ast.copy_location(node, like)


def _tick(like: ast.AST) -> ast.Call:
    return _call("_tick_", [], like)


class SandboxPolicy(RestrictingNodeTransformer):  # type: ignore[misc]
    """RestrictedPython's transformer plus our refusals and the hooks of the budget."""

    # --- refused at deploy ----------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> Any:
        names = ", ".join(alias.name for alias in node.names)
        self.error(node, f"ett skript får inte läsa in moduler (import {names})")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        self.error(node, f"ett skript får inte läsa in moduler (from {node.module or '.'} import …)")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        self.error(node, f"ett skript får inte definiera klasser (class {node.name})")
        return node

    # --- loops and functions: ticks ---------------------------------------------------------
    def visit_While(self, node: ast.While) -> Any:
        if isinstance(node.test, ast.Constant) and node.test.value and not _leaves(node.body):
            self.error(node, "while-slingan tar aldrig slut (villkoret är alltid sant och slingan har ingen break)")
        node = super().visit_While(node)
        node.body.insert(0, ast.copy_location(ast.Expr(_tick(node)), node))
        return node

    def visit_For(self, node: ast.For) -> Any:
        node = super().visit_For(node)
        node.body.insert(0, ast.copy_location(ast.Expr(_tick(node)), node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        if _calls_itself(node):
            self.error(node, f"funktionen ”{node.name}” anropar sig själv (rekursion är inte tillåten)")
        node = super().visit_FunctionDef(node)
        node.body.insert(0, ast.copy_location(ast.Expr(_tick(node)), node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        node = super().visit_Lambda(node)
        node.body = ast.copy_location(ast.BoolOp(op=ast.And(), values=[_tick(node), node.body]), node.body)
        return node

    def visit_comprehension(self, node: ast.comprehension) -> Any:
        node = super().visit_comprehension(node)
        node.ifs.insert(0, _tick(node.iter))
        return node

    def visit_ListComp(self, node: ast.ListComp) -> Any:
        return _call("_made_", [super().visit_ListComp(node)], node)

    def visit_SetComp(self, node: ast.SetComp) -> Any:
        return _call("_made_", [super().visit_SetComp(node)], node)

    def visit_DictComp(self, node: ast.DictComp) -> Any:
        return _call("_made_", [super().visit_DictComp(node)], node)

    # --- calls and operators: guards ------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> Any:
        node = super().visit_Call(node)
        if isinstance(node.func, ast.Name) and node.func.id == "_apply_":
            node.func = ast.copy_location(
                ast.Name("_call_", ast.Load()), node.func
            )  # f(*args) is already _apply_(f, …)
        else:
            node.args.insert(0, node.func)
            node.func = ast.copy_location(ast.Name("_call_", ast.Load()), node.func)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = super().visit_BinOp(node)
        guard = _OPERATOR_GUARDS.get(type(node.op))
        if guard is None:
            return node
        if isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant):
            problem = _constant_problem(guard, node.left.value, node.right.value)
            if problem:
                self.error(node, f"uttrycket {problem}")
        return _call(guard, [node.left, node.right], node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = super().visit_FormattedValue(node)
        if node.format_spec is None:
            return node
        spec = node.format_spec
        node.value = _call("_format_", [node.value, ast.Constant(node.conversion), spec], node)
        node.conversion, node.format_spec = -1, None
        return node

    # --- the new nodes need positions ---------------------------------------------------------
    def visit_Module(self, node: ast.Module) -> Any:
        return ast.fix_missing_locations(super().visit_Module(node))

    def visit_Expression(self, node: ast.Expression) -> Any:
        return ast.fix_missing_locations(super().visit_Expression(node))


def _leaves(body: list[ast.stmt], breaks: bool = True) -> bool:
    """Whether a loop body can end its loop: a ``break`` of this loop (``breaks``), a ``return`` or a ``raise``."""
    for statement in body:
        for node in _statements_in(statement):
            if isinstance(node, ast.Return | ast.Raise) or (breaks and isinstance(node, ast.Break)):
                return True
            # A break in an inner loop ends that loop only (but one in its else clause ends ours).
            if isinstance(node, _LOOPS) and (_leaves(node.body, breaks=False) or _leaves(node.orelse, breaks)):
                return True
    return False


def _statements_in(statement: ast.stmt) -> list[ast.AST]:
    """The statement and those nested in it, not entering loops (the caller does) or functions."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        found.append(node)
        if isinstance(node, _LOOPS + _SCOPES):
            continue
        stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt | ast.excepthandler))
    return found


def _calls_itself(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == function.name
        for statement in function.body
        for node in ast.walk(statement)
    )


def _constant_problem(guard: str, left: Any, right: Any) -> str | None:
    """What a guard would say about an operation on two constants, or None (it is computed at run time)."""
    budget = Budget(limits.SCRIPT_SECONDS)
    try:
        if guard == "_mul_":
            budget.check_mul(left, right)
        elif guard == "_pow_":
            budget.check_power(left, right)
        elif guard == "_lshift_":
            budget.check_lshift(left, right)
    except ScriptLimit as limit:
        return limit.reason
    except (TypeError, ValueError, ArithmeticError):
        return None
    return None
