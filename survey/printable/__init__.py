"""Printable questionnaires: every instrument version in every language, as schools show parents."""
