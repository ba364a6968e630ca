"""API tokens: made once, shown once, revoked by their owner."""
