"""How an error is worded for the user, once, for the command line and the web page."""

from __future__ import annotations
