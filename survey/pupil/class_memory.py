"""What one app's worker remembers of classes that were open a moment ago.

A save that finds its class here skips one query; whatever the memory says, the save's
statement checks the response's round, school, class, version and the round's status itself,
and any save it refuses is done again from a fresh read. cachetools' TTLCache does the expiry
and the size bound (least recently used goes first); the lock makes it safe across threads.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from cachetools import TTLCache
from flask import current_app

if TYPE_CHECKING:
    from survey.pupil.queries import SavingClass

#: How long a worker remembers the class behind a class code, and for how many codes at most.
CLASS_MEMORY_SECONDS = 60.0
CLASS_MEMORY_SIZE = 10_000
CLASS_MEMORY_KEY = "trivsel.pupil_classes"


class ClassMemory:
    """Classes by class code id, each for `seconds` after it was read (thread-safe)."""

    def __init__(self, seconds: float = CLASS_MEMORY_SECONDS, size: int = CLASS_MEMORY_SIZE):
        self._lock = threading.Lock()
        self._entries: TTLCache[int, SavingClass] = TTLCache(
            maxsize=size, ttl=seconds, timer=time.monotonic
        )

    def get(self, access_id: int | None) -> SavingClass | None:
        if access_id is None:
            return None
        with self._lock:
            return self._entries.get(access_id)

    def put(self, found: SavingClass) -> None:
        with self._lock:
            self._entries[found.access_id] = found

    def forget(self, access_id: int) -> None:
        with self._lock:
            self._entries.pop(access_id, None)

    def __len__(self) -> int:
        with self._lock:
            self._entries.expire()
            return len(self._entries)


def class_memory() -> ClassMemory:
    """The current app's memory of open classes, one per app (and so one per worker)."""
    memory = current_app.extensions.get(CLASS_MEMORY_KEY)
    if memory is None:  # the first save of this app; setdefault keeps one if threads race
        memory = current_app.extensions.setdefault(CLASS_MEMORY_KEY, ClassMemory())
    return memory
