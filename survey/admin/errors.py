"""The one error administration writes raise: which field, and what is wrong with it."""

from __future__ import annotations


class FieldError(ValueError):
    """The value of `field` cannot be saved; `message` is shown beside the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    @property
    def messages(self) -> dict[str, list[str]]:
        return {self.field: [self.message]}
