"""Staff login, roles and scopes."""
