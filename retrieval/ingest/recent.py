"""The one in-memory cache of readings: the last few values kept by key, the least recently used
dropped first. A document is read up to three times in a row when it is added (the page's quick
check, the add's gate, the engine's load), so its PDF layout and its pages' OCR words are kept
for the last few files by their hash; the read cache (``read_cache``) keeps readings on disk."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, Hashable, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    """At most ``size`` values by key; ``get`` of a kept key makes it the most recent. Safe between
    threads (the server reads an upload while a build reads the library)."""

    def __init__(self, size: int):
        self.size = size
        self._items: "OrderedDict[Hashable, V]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        self._items.clear()
