"""One export at a time per user: an export holds a worker for seconds to minutes, so a user
who asks again before the first is done gets a message, not a second worker.

The lock is a file lock (flock) in the instance folder, so it holds across the gunicorn
processes of one host and is released by the kernel if a process dies mid-export. Web
processes on several hosts would each allow one; the queue of durable jobs is the place to
cap that (DESIGN: heavy work is a job).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app


@contextmanager
def export_slot(user_id: int) -> Iterator[bool]:
    """True while this request holds the user's one export slot; False if another has it."""
    folder = Path(current_app.instance_path) / "export-locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"user-{user_id}.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
