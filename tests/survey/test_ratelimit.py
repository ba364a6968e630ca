"""The sliding window behind login and class-code throttling."""

from __future__ import annotations

from survey.ratelimit import Limit, SlidingWindow


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_blocked_after_its_attempts_and_free_again_after_the_window() -> None:
    clock = FakeClock()
    window = SlidingWindow(Limit(3, 60), clock)
    for _ in range(3):
        window.count("k")
    assert window.is_blocked("k")
    clock.now += 61
    assert not window.is_blocked("k")


def test_clearing_a_key_forgives_it() -> None:
    window = SlidingWindow(Limit(1, 60), FakeClock())
    window.count("k")
    window.clear("k")
    assert not window.is_blocked("k")


def test_keys_are_counted_apart() -> None:
    window = SlidingWindow(Limit(1, 60), FakeClock())
    window.count("a")
    assert window.is_blocked("a")
    assert not window.is_blocked("b")
