"""Rounds: their instruments and their access codes."""
