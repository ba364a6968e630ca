"""Distribution: one-time links as a CSV and as PDF letters, the parent information letter
and opt-out counts per class."""
