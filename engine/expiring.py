"""A small per-process cache whose entries expire: for data that changes rarely and may be
seen a little late (token owners, reference lists)."""

from __future__ import annotations

import time
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class ExpiringCache(Generic[K, V]):
    def __init__(self, seconds: float, size: int = 1024) -> None:
        self.seconds, self.size = seconds, size
        self._items: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        entry = self._items.get(key)
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    def put(self, key: K, value: V) -> None:
        if len(self._items) >= self.size:
            self._items.clear()  # crude bound; a refill costs one query per key
        self._items[key] = (time.monotonic() + self.seconds, value)

    def forget(self, key: K) -> None:
        self._items.pop(key, None)
