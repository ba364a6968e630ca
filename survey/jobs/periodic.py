"""What a feature's `tasks.py` declares for the clock: a leaf module, so that the scheduler can
import every feature's tasks and no task module imports the scheduler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask


@dataclass(frozen=True)
class Job:
    """A periodic job for APScheduler, the clock; heavy work it finds is enqueued, not run."""

    id: str
    func: Callable[[Flask], None]
    trigger: str
    schedule: dict[str, Any] = field(default_factory=dict)
    #: Also run once when the scheduler starts, to catch up on what was missed while down.
    run_at_start: bool = True
