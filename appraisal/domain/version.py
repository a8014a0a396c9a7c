"""The engine's version, recorded with every sealed month."""

__version__ = "0.1.0"
