"""The engine's version, recorded with every sealed month."""

__version__ = "0.2.0"


def release(version: str) -> tuple[int, ...]:
    """A version as numbers to compare: "0.1.0" → (0, 1, 0); a part not a number is 0."""
    return tuple(int(part) if part.isdigit() else 0 for part in version.split(".")[:3])
