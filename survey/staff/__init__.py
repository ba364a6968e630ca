"""The staff landing page after login."""
