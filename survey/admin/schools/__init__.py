"""Schools with their arm, their classes, and the CSV import of both."""
