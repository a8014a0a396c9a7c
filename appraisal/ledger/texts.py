"""How the ledger stores a JSON field: its canonical text, compressed when large.

Part of the "seal" stage. A sealed month's JSON fields are hashed as their canonical
JSON text (`appraisal.domain.canonical`), and stored as that text (SQL TEXT) when it is
under `COMPRESS_FROM` bytes, or deflated when it is not (a zlib stream, written by
ISA-L at `LEVEL`; SQL BLOB): a month of 10,000 employees is some 60 MB of text and 6 MB
stored. The hash chain is over the text, never the stored bytes, so a record keeps its
hash whichever way it is stored, and a ledger migrated to compressed storage verifies
as before. The text is encoded an item of a large list at a time (`canonical_chunks`),
and each piece is hashed and deflated as it passes (`Storing`): no whole text of a
large month is ever built, and the results are never inflated to be hashed.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from appraisal.domain.canonical import canonical_chunks
from appraisal.i18n import _

__all__ = [
    "COMPRESS_FROM",
    "LEVEL",
    "StoredText",
    "Storing",
    "encode",
    "store",
    "stored_chunks",
    "stored_text",
]

#: Texts of this many UTF-8 bytes or more are stored deflated (about 200 employees'
#: results); smaller ones as plain text, readable with any SQLite tool.
COMPRESS_FROM = 1 << 20
# The deflater: ISA-L's (python-isal), which writes a zlib stream like zlib's own, read
# back by zlib as ever, about four times as fast: at its level 2, a month's JSON deflates
# as small as at zlib's fastest level (1), at some 1,300 MB/s against 360 (issue 11:
# 0.8 s of CPU less in the seal of 100,000 employees). The stored bytes are not hashed
# (the text is), so a ledger may hold both kinds; where python-isal has no wheel, zlib.
try:
    from isal import isal_zlib as _deflater

    #: The deflate level: ISA-L's 2 (of 0–3), else zlib's 1, its fastest.
    LEVEL = 2
except ImportError:  # pragma: no cover - python-isal is a dependency
    _deflater = zlib  # type: ignore[misc, unused-ignore]
    LEVEL = 1
_PIECE = 1 << 20  # bytes inflated at a time when a stored text is read in pieces

StoredText = str | bytes  # a JSON column as stored: the text, or the text deflated


def encode(data: object, *, finite: bool = False) -> StoredText:
    """``data``'s canonical JSON as the ledger stores it. Raises TypeError or ValueError
    for data that is not JSON (as `canonical_json`); ``finite`` as `canonical_bytes`."""
    return store(canonical_chunks(data, finite=finite))


def store(chunks: Iterable[bytes]) -> StoredText:
    """Canonical JSON given in pieces, as stored: kept as text while it is small, and
    deflated (deterministically: one level, one window) from `COMPRESS_FROM` bytes on."""
    storing = Storing(chunks)
    for _chunk in storing:
        pass
    return storing.stored


class Storing:
    """Canonical JSON given in pieces, stored as they pass: iterate it once, to hash the
    text, and `stored` is then the column as `store` gives it. The text is encoded,
    hashed and deflated in one pass, and never held whole. (Deflated as it passes: at
    ISA-L's speed, a thread of its own to deflate on saves less than handing the pieces
    over to it costs.)"""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks
        self._stored: StoredText | None = None

    def __iter__(self) -> Iterator[bytes]:
        small: list[bytes] | None = []
        size = 0
        deflated: list[bytes] = []
        deflater = _deflater.compressobj(LEVEL)
        for chunk in self._chunks:
            if small is None:
                deflated.append(deflater.compress(chunk))
            else:
                small.append(chunk)
                size += len(chunk)
                if size >= COMPRESS_FROM:  # large: deflated, and no longer kept
                    # As one piece: ISA-L deflates many small pieces each on its own.
                    deflated.append(deflater.compress(b"".join(small)))
                    small = None
            yield chunk
        if small is None:
            deflated.append(deflater.flush())
            self._stored = b"".join(deflated)
        else:
            self._stored = b"".join(small).decode("utf-8")

    @property
    def stored(self) -> StoredText:
        """The column as stored; the pieces are read now if they were not yet."""
        if self._stored is None:
            for _chunk in self:
                pass
        assert self._stored is not None
        return self._stored


def stored_chunks(stored: StoredText) -> Iterator[bytes]:
    """The canonical text's UTF-8 bytes, in pieces, from a column as stored.

    Raises ValueError when a deflated column does not inflate (an edit of its bytes).
    """
    if isinstance(stored, str):
        yield stored.encode("utf-8")
        return
    inflater = zlib.decompressobj()
    try:
        for start in range(0, len(stored), _PIECE):
            piece = inflater.decompress(stored[start : start + _PIECE])
            if piece:
                yield piece
        rest = inflater.flush()
    except zlib.error as exc:
        raise ValueError(
            _("its deflated text does not inflate ({error})").format(error=exc)
        ) from exc
    if not inflater.eof or inflater.unused_data:
        raise ValueError(_("its deflated text is cut short or has bytes after its end"))
    if rest:
        yield rest


def stored_text(stored: object) -> str:
    """The canonical text of a column as stored; ValueError for one that is neither text
    nor deflated UTF-8 text."""
    if isinstance(stored, str):
        return stored
    if not isinstance(stored, bytes):
        raise ValueError(_("holds {kind}, not text").format(kind=type(stored).__name__))
    try:
        return b"".join(stored_chunks(stored)).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(_("its inflated text is not UTF-8 ({error})").format(error=exc)) from exc
