"""Retention: each project's data is purged on its delete-after date."""
