"""What the web page refuses, already worded for the user, with its HTTP status."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["Forbidden", "Invalid", "NotFound", "Refused", "Unauthorized", "WebError"]


class WebError(Exception):
    """A refusal: ``messages`` (each a line the user reads, in their language) and the
    HTTP ``status`` it is answered with. The API returns it as
    ``{"error": {"status": …, "messages": […]}}``; a page shows the messages."""

    status = 400

    def __init__(self, messages: str | Sequence[str], status: int | None = None) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        if status is not None:
            self.status = status
        super().__init__("; ".join(self.messages))


class Unauthorized(WebError):
    """No live session: log in first."""

    status = 401


class Forbidden(WebError):
    """Logged in, but the user's role or departments do not allow it."""

    status = 403


class NotFound(WebError):
    """No such month, version, employee or review item (or none the user may see)."""

    status = 404


class Refused(WebError):
    """The request conflicts with the ledger's state (already sealed, nothing to seal)."""

    status = 409


class Invalid(WebError):
    """The request or its upload is not valid (every problem at once)."""

    status = 422
