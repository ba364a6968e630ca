"""Rounds: their window, instruments and lifecycle, from the project lead's side."""
