"""How a sealed month differs from the same month computed again: what `appraisal replay`
reports, path by path.

Part of the "seal" stage's audit: the ledger stores results and states as JSON, and a
replay compares them with a recomputation from the stored inputs alone.
"""

from __future__ import annotations

from typing import Any

__all__ = ["diff"]


def diff(label: str, sealed: Any, recomputed: Any, limit: int = 50) -> list[str]:
    """Every path where two JSON documents differ, as 'label path: sealed → recomputed'."""
    found: list[str] = []

    def walk(path: str, a: Any, b: Any) -> None:
        if len(found) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                walk(f"{path}.{key}", a.get(key, "<missing>"), b.get(key, "<missing>"))
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                found.append(f"{label}{path}: {len(a)} items sealed, {len(b)} recomputed")
            for i, (x, y) in enumerate(zip(a, b, strict=False)):
                key = x.get("employee_id", i) if isinstance(x, dict) else i
                walk(f"{path}[{key}]", x, y)
        elif a != b:
            found.append(f"{label}{path}: sealed {a!r}, recomputed {b!r}")

    walk("", sealed, recomputed)
    return found
