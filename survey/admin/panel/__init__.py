"""Panel mode for project leads: the card sheet of a class."""
