"""Projects: create one, set its languages, group size and delete-after date."""
