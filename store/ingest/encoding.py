"""The text encoding of a file: UTF-8 with or without a byte order mark, UTF-16 with one, and,
for exports of accounting software on Windows, Windows-1252 (cp1252) when the file is not
UTF-8. Which one was used is said in the report.

UTF-8 and UTF-16 are told apart by the byte order mark. Windows-1252 decodes nearly any bytes,
so it is only a fallback: chosen when the whole file is not UTF-8, and only for exports (files
of the fixed kinds must be UTF-8: a wrong guess would store ids nobody typed).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from analytics.export_text import CONTROL_CHARACTERS
from store.ingest.errors import FileRejected

# Bytes read at a time when a whole file is checked.
_BLOCK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class TextEncoding:
    # The codec that reads the file (a byte order mark included).
    codec: str
    # What the report calls it.
    name: str

    def decode_head(self, head: bytes) -> str:
        """The text of a file's first bytes, the character cut at their end dropped."""
        decoder = codecs.getincrementaldecoder(self.codec)(errors="replace")
        return str(decoder.decode(head, final=False))


UTF8 = TextEncoding("utf-8-sig", "UTF-8")
UTF8_BOM = TextEncoding("utf-8-sig", "UTF-8 with byte order mark")
UTF16 = TextEncoding("utf-16", "UTF-16")
CP1252 = TextEncoding("cp1252", "Windows-1252 (the file is not UTF-8)")


def _first_bad_line(path: Path, codec: str) -> int | None:
    """The first line of the file that `codec` cannot decode; None when it decodes whole."""
    decoder = codecs.getincrementaldecoder(codec)()
    line = 1
    with path.open("rb") as file:
        while block := file.read(_BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return line + block[: exc.start].count(b"\n")
            line += block.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return line
    return None


def detect_encoding(path: Path, head: bytes, *, fallback: bool) -> TextEncoding:
    """The encoding of the file whose first bytes are `head`.

    Without `fallback`, a file without a byte order mark is read as UTF-8 (and refused where
    it is not). With it, the whole file is checked, and Windows-1252 read when it is not
    UTF-8.
    """
    if head.startswith(codecs.BOM_UTF8):
        return UTF8_BOM
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return UTF16
    if not fallback:
        return UTF8
    try:
        not_utf8 = _first_bad_line(path, "utf-8")
        if not_utf8 is None:
            return UTF8
        not_cp1252 = _first_bad_line(path, CP1252.codec)
    except OSError as exc:
        raise FileRejected(f"cannot read it: {exc.strerror or exc}") from exc
    if not_cp1252 is None:
        return CP1252
    raise FileRejected(
        f"neither UTF-8, UTF-16 nor Windows-1252 text (line {not_utf8} is not UTF-8, line "
        f"{not_cp1252} not Windows-1252): save it as UTF-8"
    )


# The control bytes no value may hold, all turned into NUL: in an ASCII-compatible encoding
# a file holds one of them exactly when its translation holds a NUL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_CONTROL_TO_NUL = bytes.maketrans(_CONTROL_BYTES, b"\x00" * len(_CONTROL_BYTES))


def holds_control_characters(path: Path, encoding: TextEncoding) -> bool:
    """Whether the file's text holds a character no value may hold (one quick pass, so that
    the rows of the common file need no check of their own)."""
    ascii_compatible = encoding is not UTF16
    decoder = codecs.getincrementaldecoder(encoding.codec)(errors="replace")
    try:
        with path.open("rb") as file:
            while block := file.read(_BLOCK):
                if ascii_compatible:
                    if b"\x00" in block.translate(_CONTROL_TO_NUL):
                        return True
                elif CONTROL_CHARACTERS.search(decoder.decode(block)):
                    return True
    except OSError as exc:
        raise FileRejected(f"cannot read it: {exc.strerror or exc}") from exc
    return False
