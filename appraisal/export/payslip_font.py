"""The CJK font a payslip PDF embeds: found on the machine, never shipped with the package.

A PDF shows Chinese only with a font that has its glyphs, embedded in the file (a reader
without one would show empty boxes). The payslips use Noto Sans CJK SC, which Debian
and Ubuntu install with ``apt-get install fonts-noto-cjk`` (Fedora: google-noto-sans-cjk-fonts,
Arch: noto-fonts-cjk); `APPRAISAL_PAYSLIP_FONT` names another TrueType/OpenType file
(.ttf, .otf, or a .ttc collection, whose Simplified Chinese face is taken). Only the
glyphs a payslip uses are embedded (fpdf2 subsets the font), some 20-40 KB a file.

A payslip's bytes depend on the font file as they do on the text: the same sealed month
gives the same bytes on machines with the same font version.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTCollection, TTFont  # type: ignore[import-untyped]

from appraisal.domain.errors import AppraisalError

__all__ = ["FONT_VARIABLE", "CjkFont", "FontPair", "NoFont", "cut_down", "find_font"]

FONT_VARIABLE = "APPRAISAL_PAYSLIP_FONT"
# (regular, bold) where each system's package installs Noto Sans CJK.
_CANDIDATES = (
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Bold.otf",
    ),
)


class NoFont(AppraisalError):
    """No CJK font to embed in a payslip PDF."""


@dataclass(frozen=True)
class CjkFont:
    """A font file and, for a collection (.ttc), the index of its Simplified Chinese face."""

    path: Path
    index: int = 0


@dataclass(frozen=True)
class FontPair:
    """The faces a payslip is set in: text, and headings and totals."""

    regular: CjkFont
    bold: CjkFont


def find_font() -> FontPair:
    """The regular and bold faces to embed (the regular one twice when there is no bold)."""
    given = os.environ.get(FONT_VARIABLE)
    if given:
        path = Path(given)
        if not path.is_file():
            raise NoFont(f"{FONT_VARIABLE}={given}: no such font file")
        face = _face(path)
        return FontPair(face, face)
    for regular, bold in _CANDIDATES:
        if Path(regular).is_file():
            face = _face(Path(regular))
            return FontPair(face, _face(Path(bold)) if Path(bold).is_file() else face)
    raise NoFont(
        "no Chinese font to embed in the payslips: install Noto Sans CJK "
        "(apt-get install fonts-noto-cjk), or set "
        f"{FONT_VARIABLE} to a .ttf, .otf or .ttc font file with Chinese glyphs"
    )


@lru_cache(maxsize=8)
def _face(path: Path) -> CjkFont:
    """The Simplified Chinese face of a collection (Noto's ``... CJK SC``), else its first."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return CjkFont(path)
    try:
        collection = TTCollection(str(path), lazy=True)
    except Exception as error:  # fontTools raises what the file's bytes lead it to
        raise NoFont(f"{path}: not a font collection fontTools can read ({error})") from None
    with collection:
        for index, font in enumerate(collection.fonts):
            family = str(font["name"].getDebugName(1) or "")
            if family.endswith(" SC") and "Mono" not in family:
                return CjkFont(path, index)
    return CjkFont(path)


def cut_down(pair: FontPair, characters: Iterable[str], folder: Path) -> FontPair:
    """The faces cut down to ``characters`` (and printable ASCII), saved in ``folder``.

    A CJK face holds some 65,000 glyphs, and reading it takes longer than making a
    payslip; a run reads it once, keeps the few thousand characters its payslips use,
    and gives each payslip that (fpdf2 then embeds only each payslip's own glyphs). The
    same characters always give the same font file, so the payslips' bytes are the same.
    """
    wanted = sorted({ord(c) for text in characters for c in text} | set(range(0x20, 0x7F)))
    regular = _cut(pair.regular, wanted, folder / "regular.otf")
    bold = regular if pair.bold == pair.regular else _cut(pair.bold, wanted, folder / "bold.otf")
    return FontPair(regular, bold)


def _cut(face: CjkFont, codes: list[int], out: Path) -> CjkFont:
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]
    # The timestamps in the font's head table stay as the font file has them.
    font = TTFont(str(face.path), fontNumber=face.index, recalcTimestamp=False)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codes)
        subsetter.subset(font)
        font.save(str(out))
    finally:
        font.close()
    return CjkFont(out)
