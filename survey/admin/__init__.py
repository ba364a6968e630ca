"""Administration for project leads: projects, schools and classes, goals, rounds, distribution
of links and letters, the live response monitor, and API tokens. One blueprint, `/admin`, made
of one child blueprint per sub-feature."""
