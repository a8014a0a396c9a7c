"""Build the one catalogue: `python -m appraisal.i18n.catalogue` (run by `make messages`).

The Chinese texts are kept in parts, a .po file per area of the program under
``appraisal/i18n/parts/`` (so several people can translate at once); this merges them
into ``locale/zh/LC_MESSAGES/appraisal.po``, sorted, and compiles ``appraisal.mo``, the
file gettext reads. A msgid given two different translations is refused, naming both
parts. ``--check`` compares instead of writing, and lists the msgids the code marks
(``_()``, ``N_()``) that have no translation: `tests/test_i18n.py` runs it.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

__all__ = ["build", "main", "missing"]

HERE = Path(__file__).parent
PARTS = HERE / "parts"
TARGET = HERE / "locale" / "zh" / "LC_MESSAGES"
ROOT = HERE.parent.parent
SOURCES = ("appraisal", "payroll_export")
KEYWORDS = {"_": None, "N_": None}
# The web page's templates (appraisal/web/templates) mark their texts with _() too.
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")]


def build() -> tuple[bytes, bytes, list[str]]:
    """The merged .po and compiled .mo, and every clash between parts."""
    merged = Catalog(locale="zh", project="appraisal", version="0.1.0", fuzzy=False)
    merged.creation_date = merged.revision_date = _EPOCH
    found: dict[str, tuple[str, str]] = {}
    clashes = []
    for part in sorted(PARTS.glob("*.po")):
        with part.open("rb") as handle:
            catalogue = read_po(handle, locale="zh")
        for message in catalogue:
            if not message.id or not isinstance(message.id, str):
                continue
            text = str(message.string or "")
            before = found.get(message.id)
            if before is not None and before[1] != text:
                clashes.append(f"{part.name} and {before[0]}: {message.id!r} translated twice")
                continue
            found[message.id] = (part.name, text)
    for msgid in sorted(found):
        merged.add(msgid, found[msgid][1])
    po, mo = io.BytesIO(), io.BytesIO()
    write_po(po, merged, width=0, omit_header=False, sort_output=True, include_lineno=False)
    write_mo(mo, merged, use_fuzzy=False)
    return po.getvalue(), mo.getvalue(), clashes


def missing() -> list[str]:
    """Each msgid the code marks with ``_()`` or ``N_()`` that no part translates."""
    translated = set()
    for part in PARTS.glob("*.po"):
        with part.open("rb") as handle:
            translated |= {m.id for m in read_po(handle, locale="zh") if m.id and m.string}
    marked = set()
    for source in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / source, method_map=METHODS, keywords=KEYWORDS, comment_tags=()
        ):
            if isinstance(message, str):
                marked.add(message)
    return sorted(marked - translated)


def main(argv: list[str]) -> int:
    po, mo, clashes = build()
    for clash in clashes:
        print(clash, file=sys.stderr)
    if "--check" in argv:
        stale = [
            path.name
            for path, data in ((TARGET / "appraisal.po", po), (TARGET / "appraisal.mo", mo))
            if not path.exists() or path.read_bytes() != data
        ]
        for name in stale:
            print(f"{name} is not built from the parts: run `make messages`", file=sys.stderr)
        untranslated = missing()
        for msgid in untranslated:
            print(f"no translation: {msgid!r}", file=sys.stderr)
        return 1 if clashes or stale or untranslated else 0
    if clashes:
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    (TARGET / "appraisal.po").write_bytes(po)
    (TARGET / "appraisal.mo").write_bytes(mo)
    return 0


_EPOCH = __import__("datetime").datetime(2026, 1, 1, tzinfo=__import__("datetime").UTC)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
