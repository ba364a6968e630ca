"""The demo project: a simulated social-worker evaluation, loaded into the database."""
