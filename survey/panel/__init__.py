"""Panel mode: card codes that follow a pupil across rounds without a name (issue 15)."""
