"""User management in the pages: invite, change, deactivate, remove."""
