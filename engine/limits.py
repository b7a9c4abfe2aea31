"""Bounds on what process scripts, conditions and case data may cost (see docs/modelling.md).

A process owner's script runs inside the case's write transaction: while it runs, no other
step of that case (and on SQLite no other write at all) can commit. These numbers keep every
evaluation short and small; change them here.
"""

from __future__ import annotations

SCRIPT_SECONDS = 1.0
"""Longest one script, condition or timer expression may run."""
STEP_SECONDS = 10.0
"""Longest all evaluations of one step may take together (a loop in the process itself)."""
CHECK_EVERY = 100
"""Loop iterations and function calls between two looks at the clock."""

MAX_OBJECT_BYTES = 16 * 1024 * 1024
"""Largest single value (text, list, number) an evaluation may make, estimated before it is made."""
MEMORY_BYTES = 64 * 1024 * 1024
"""Most an evaluation may allocate in large values (each of at least :data:`COUNTED_FROM` bytes)."""
COUNTED_FROM = 64 * 1024
"""Values smaller than this are not counted: their number is bounded by the time budget."""
MAX_INT_BITS = 16_384
"""Largest whole number (about 4,900 digits); the database keeps 64 bits anyway."""
MAX_RANGE = 1_000_000
"""Most numbers a ``range()`` may hold."""
MAX_FORMAT_WIDTH = 10_000
"""Largest width or precision in ``%`` formatting and f-string format specs."""

MAX_DATA_BYTES = 1024 * 1024
"""Largest case data a step may save, as JSON."""


def kilobytes(size: int) -> str:
    """``1 048 576`` → ``"1 024 kB"``: sizes in messages, Swedish digit grouping."""
    return f"{size // 1024:,} kB".replace(",", "\u00a0")


def data_too_large(size: int) -> str:
    """The message for case data of ``size`` bytes (JSON) when that is over :data:`MAX_DATA_BYTES`."""
    return f"Ärendets uppgifter blir för stora ({kilobytes(size)}); högst {kilobytes(MAX_DATA_BYTES)} får sparas."
