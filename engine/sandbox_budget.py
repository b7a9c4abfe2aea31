"""The time and memory budget of one evaluation of a process script, condition or timer expression.

:mod:`engine.sandbox_policy` rewrites the code so that every loop iteration, function entry
and comprehension item calls ``_tick_()``, every call goes through ``_call_``, and the
operators that can make a huge value in one go (``*``, ``**``, ``<<``, ``+``, ``%``, f-string
format specs) go through the guards here. A guard refuses before allocating when it can tell
the size up front, and counts large results afterwards otherwise. No signals, no threads, no
subprocess: the checks run in the evaluating thread and cost a C-level ``next()`` per tick.

When a bound trips, :class:`ScriptLimit` is raised; every later tick raises again, so a script
that catches it cannot keep running, and the sandbox raises it once more when the code returns.
"""

from __future__ import annotations

import math
import operator
import re
import sys
import time
from collections.abc import Callable
from itertools import chain, repeat, starmap
from types import BuiltinMethodType, MethodDescriptorType
from typing import Any

from engine import limits


class ScriptError(Exception):
    """A script or expression was refused or failed; the message is for people."""


class ScriptRefused(ScriptError):
    """The code does not compile in the sandbox; ``reason`` says why (with the line), in Swedish."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ScriptLimit(ScriptError):
    """A bound of the sandbox tripped; ``reason`` completes "Skriptet i ”…” …" in Swedish."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_TEXT = (str, bytes, bytearray)
_SEQUENCES = (str, bytes, bytearray, list, tuple)
_SIZED = frozenset({str, bytes, bytearray, list, tuple, dict, set, frozenset})
_SLOT = 8  # bytes per element of a list or tuple (a pointer)
_ENTRY = 32  # bytes per entry of a dict or set, roughly
_COUNTED_LEN = limits.COUNTED_FROM // _ENTRY  # shorter values are never counted: skip sizing them
_FORMAT_FIELD = re.compile(rb"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")
_CONVERSIONS: dict[int, Callable[[Any], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}


def size_of(value: Any) -> int:
    """Estimated bytes of a value's own storage (not of what it refers to)."""
    kind = type(value)
    if kind is str:
        return len(value) if value.isascii() else 2 * len(value)
    if kind in (bytes, bytearray):
        return len(value)
    if kind in (list, tuple):
        return _SLOT * len(value)
    if kind in (dict, set, frozenset):
        return _ENTRY * len(value)
    if kind is int:
        return int(value.bit_length()) // 8
    return 0


def _width(value: Any) -> int:
    return max(int(value), 0) if isinstance(value, int) else 0


class Budget:
    """One evaluation's clock and allocation count, and the guard functions bound to them."""

    def __init__(self, seconds: float, step: tuple[float, float] | None = None) -> None:
        """A budget of ``seconds`` from now, ending earlier if ``step`` (its deadline, its seconds) does."""
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.step_seconds = step[1] if step else 0.0
        self.whole_step = step is not None and step[0] < self.deadline
        if step is not None:
            self.deadline = min(self.deadline, step[0])
        self.allocated = 0
        self.tripped: str | None = None
        # A C-level iterator: True CHECK_EVERY times between looks at the clock; once a bound
        # tripped, every call raises it (see _batch).
        self.tick: Callable[[], bool] = chain.from_iterable(starmap(self._batch, repeat(()))).__next__

    # --- the bounds -----------------------------------------------------------------------
    def _batch(self) -> Any:
        """The next ticks: CHECK_EVERY times True, or, once a bound tripped, a raise at every tick.

        It never raises itself: ``chain`` would drop its source and every later tick would end
        with StopIteration instead of the limit.
        """
        if self.tripped is None and time.monotonic() > self.deadline:
            self.tripped = self._too_slow()
        if self.tripped is not None:
            return map(self._raise_tripped, repeat(None))
        return repeat(True, limits.CHECK_EVERY)

    def _raise_tripped(self, _: None) -> bool:
        raise ScriptLimit(self.tripped or "")

    def _too_slow(self) -> str:
        if self.whole_step:
            return (
                f"avbröts: steget hade redan kört i mer än {_seconds(self.step_seconds)} "
                "(går processen runt i en slinga?)"
            )
        return f"tog för lång tid och avbröts (högst {_seconds(self.seconds)})"

    def check_time(self) -> None:
        if self.tripped is not None:
            raise ScriptLimit(self.tripped)
        if time.monotonic() > self.deadline:
            self.trip(self._too_slow())

    def trip(self, reason: str) -> None:
        self.tripped = reason
        raise ScriptLimit(reason)

    def allocate(self, size: int) -> None:
        """Count a value of ``size`` estimated bytes about to be made (or just made)."""
        if size > limits.MAX_OBJECT_BYTES:
            self.trip(
                f"skulle skapa ett för stort värde (omkring {_megabytes(size)}; "
                f"högst {_megabytes(limits.MAX_OBJECT_BYTES)})"
            )
        if size >= limits.COUNTED_FROM:
            self.allocated += size
            if self.allocated > limits.MEMORY_BYTES:
                self.trip(f"använde för mycket minne (mer än {_megabytes(limits.MEMORY_BYTES)})")

    def made(self, value: Any) -> Any:
        """Count a value already made (a comprehension's, a call's result) and hand it on."""
        if type(value) in _SIZED:
            self.allocate(size_of(value))
        return value

    def _int_bits(self, bits: int) -> None:
        if bits > limits.MAX_INT_BITS:
            self.trip(
                f"skulle skapa ett för stort tal (omkring {_number(bits)} bitar; högst {_number(limits.MAX_INT_BITS)})"
            )

    # --- guards the rewritten code calls ----------------------------------------------------
    def hooks(self, names: frozenset[str]) -> dict[str, Any]:
        """The guard functions the compiled code calls (``names``, see :data:`HOOKS`), bound to this budget."""
        return {name: getattr(self, HOOKS[name]) for name in names}

    def call(self, func: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Every call in the code: refuse calls that would make a huge value, count large results."""
        if type(func) is BuiltinMethodType:
            owner = func.__self__
            if type(owner) in _TEXT or type(owner) is list:
                args = self._before_method(owner, func.__name__, args, kwargs)
            elif func is _BUILTIN_POW and len(args) == 2 and not kwargs:
                self.check_power(*args)
            elif func is _BUILTIN_SUM:
                self._before_sum(args, kwargs)
        elif type(func) is MethodDescriptorType and args and type(args[0]) in (*_TEXT, list):
            args = (args[0], *self._before_method(args[0], func.__name__, args[1:], kwargs))
        elif func is range:
            self._before_range(args)
        result = func(*args, **kwargs)
        if type(result) in _SIZED and len(result) >= _COUNTED_LEN and _fresh(sys.getrefcount(result)):
            self.allocate(size_of(result))
            self.check_time()  # a call that made a large value may have taken long in C
        return result

    def _before_method(self, owner: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        """Refuse a text or list method that would make a value too large; returns the args to call with."""
        unit = max(size_of(owner[:1]), 1) if len(owner) else 1
        if name in ("ljust", "rjust", "center", "zfill") and args:
            self.allocate(_width(args[0]) * unit)
        elif name == "expandtabs":
            tab = args[0] if args else kwargs.get("tabsize", 8)
            self.allocate(size_of(owner) + owner.count("\t" if type(owner) is str else b"\t") * _width(tab) * unit)
        elif name == "replace" and len(args) >= 2 and type(args[0]) is type(owner) is type(args[1]):
            old, new = args[0], args[1]
            found = owner.count(old) if old else len(owner) + 1
            if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                found = min(found, args[2])
            self.allocate(size_of(owner) + found * max(len(new) - len(old), 0) * unit)
        elif name == "join" and args:
            parts = args[0] if type(args[0]) in (list, tuple) else self.made(list(args[0]))
            try:
                total = sum(map(len, parts)) + len(owner) * max(len(parts) - 1, 0)
            except TypeError:
                total = 0  # join itself refuses parts that are not text
            self.allocate(total * unit)
            args = (parts, *args[1:])
        elif name == "extend" and type(owner) is list and args and type(args[0]) in _SIZED:
            self.allocate(_SLOT * (len(owner) + len(args[0])))
        return args

    def check_power(self, base: Any, exponent: Any) -> None:
        if type(base) is int and type(exponent) is int and exponent > 0 and abs(base) > 1:
            self._int_bits(base.bit_length() * exponent)

    def _before_sum(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        start = args[1] if len(args) > 1 else kwargs.get("start", 0)
        if type(start) in _SIZED:
            # Adding lists one by one copies the growing list each time: quadratic, and all in C.
            self.trip("använde sum() på listor; slå ihop listor med en for-slinga eller +")

    def _before_range(self, args: tuple[Any, ...]) -> None:
        try:
            count = len(range(*args))
        except OverflowError:
            count = limits.MAX_RANGE + 1
        except TypeError:
            return  # range() itself says what is wrong
        if count > limits.MAX_RANGE:
            self.trip(f"skapade en range() med för många tal (högst {_number(limits.MAX_RANGE)})")

    def check_mul(self, left: Any, right: Any) -> None:
        if type(left) is int and type(right) is int:
            self._int_bits(left.bit_length() + right.bit_length())
        elif isinstance(right, int) and isinstance(left, _SEQUENCES):
            self.allocate(size_of(left) * max(right, 0))
        elif isinstance(left, int) and isinstance(right, _SEQUENCES):
            self.allocate(size_of(right) * max(left, 0))

    def mul(self, left: Any, right: Any) -> Any:
        self.check_mul(left, right)
        return left * right

    def add(self, left: Any, right: Any) -> Any:
        result = left + right
        if type(result) in _SIZED and len(result) >= _COUNTED_LEN and _fresh(sys.getrefcount(result)):
            self.allocate(size_of(result))
        return result

    def power(self, base: Any, exponent: Any) -> Any:
        self.check_power(base, exponent)
        return base**exponent

    def check_lshift(self, value: Any, shift: Any) -> None:
        if type(value) is int and type(shift) is int and value and shift > 0:
            self._int_bits(value.bit_length() + shift)

    def lshift(self, value: Any, shift: Any) -> Any:
        self.check_lshift(value, shift)
        return value << shift

    def mod(self, left: Any, right: Any) -> Any:
        if isinstance(left, _TEXT):
            pattern = left.encode("utf-8", "surrogatepass") if isinstance(left, str) else bytes(left)
            for width, precision in _FORMAT_FIELD.findall(pattern):
                self._format_width(width.decode(), precision.decode())
            return self.made(left % right)
        return left % right

    def _format_width(self, *numbers: str) -> None:
        for number in numbers:
            if number == "*":
                self.trip("använde %*-formatering; skriv bredden i formatet")
            if number and int(number) > limits.MAX_FORMAT_WIDTH:
                most = _number(limits.MAX_FORMAT_WIDTH)
                self.trip(f"använde en för stor bredd i formateringen ({_number(int(number))}; högst {most})")

    def format(self, value: Any, conversion: int, spec: str) -> str:
        """An f-string field with a format spec: ``f"{value!r:>{n}}"``."""
        self._format_width(*_DIGITS.findall(spec))
        if conversion in _CONVERSIONS:
            value = _CONVERSIONS[conversion](value)
        result: str = self.made(format(value, spec))
        return result

    def inplace(self, op: str, left: Any, right: Any) -> Any:
        """``x op= y`` for a name ``x``, through the same guard as the operator."""
        guard = _GUARDED_INPLACE.get(op)
        if guard is not None:
            return getattr(self, guard)(left, right)
        function = _PLAIN_INPLACE.get(op)
        if function is None:
            raise ScriptError(f"operatorn {op} är inte tillåten")
        return function(left, right)


def _fresh(references: int) -> bool:
    """Whether a value just returned is new: only the caller's variable (and getrefcount's argument) hold it.

    A call that hands back a value that already existed (a dict's entry, a function returning
    its argument) allocated nothing, so it is not counted again.
    """
    return references <= 2


HOOKS = {
    "_tick_": "tick",
    "_call_": "call",
    "_made_": "made",
    "_mul_": "mul",
    "_add_": "add",
    "_pow_": "power",
    "_lshift_": "lshift",
    "_mod_": "mod",
    "_format_": "format",
    "_inplacevar_": "inplace",
}
"""Names :mod:`engine.sandbox_policy` writes into the code → the :class:`Budget` method each calls."""

_GUARDED_INPLACE = {"+=": "add", "*=": "mul", "%=": "mod", "**=": "power", "<<=": "lshift"}
_PLAIN_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "-=": operator.sub,
    "/=": operator.truediv,
    "//=": operator.floordiv,
    ">>=": operator.rshift,
    "&=": operator.and_,
    "|=": operator.or_,
    "^=": operator.xor,
}
_BUILTIN_POW = pow
_BUILTIN_SUM = sum


def _seconds(value: float) -> str:
    text = f"{value:g}".replace(".", ",")
    return f"{text} sekund" if value == 1 else f"{text} sekunder"


def _number(value: int) -> str:
    """Swedish digit grouping: 16 384."""
    return f"{value:,}".replace(",", "\u00a0")


def _megabytes(size: int) -> str:
    return f"{_number(math.ceil(size / (1024 * 1024)))} MB"
