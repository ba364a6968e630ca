"""Helpers of the load benchmark and the fault drills (not a benchmark themselves)."""
