"""survey package."""
