"""Which font family covers a complex script, for the runs of the deck written in one.

A deck's theme fonts (Calibri and its metric twin Carlito) cover Latin, Greek and Cyrillic;
a month name in Hindi (Devanagari), a customer named in Arabic or Thai need another family, and
DrawingML gives complex scripts a font slot of their own (`a:cs`). Naming one there tells
PowerPoint and LibreOffice what to draw with instead of leaving it to their fallback, which
finds nothing on a machine without such a font (boxes in place of letters). The families are
Google's Noto, free for every system (Debian: fonts-noto-core); a viewer without the family
named still falls back to any font it has for the script."""

from __future__ import annotations

import unicodedata

# Script (the first word of its letters' Unicode names) -> a family that covers it.
FAMILIES = {
    "ARABIC": "Noto Sans Arabic",
    "ARMENIAN": "Noto Sans Armenian",
    "BENGALI": "Noto Sans Bengali",
    "DEVANAGARI": "Noto Sans Devanagari",
    "ETHIOPIC": "Noto Sans Ethiopic",
    "GEORGIAN": "Noto Sans Georgian",
    "GUJARATI": "Noto Sans Gujarati",
    "GURMUKHI": "Noto Sans Gurmukhi",
    "HEBREW": "Noto Sans Hebrew",
    "KANNADA": "Noto Sans Kannada",
    "KHMER": "Noto Sans Khmer",
    "LAO": "Noto Sans Lao",
    "MALAYALAM": "Noto Sans Malayalam",
    "MYANMAR": "Noto Sans Myanmar",
    "ORIYA": "Noto Sans Oriya",
    "SINHALA": "Noto Sans Sinhala",
    "TAMIL": "Noto Sans Tamil",
    "TELUGU": "Noto Sans Telugu",
    "THAI": "Noto Sans Thai",
}


def complex_script_family(text: str) -> str | None:
    """The family for the first letter of `text` in a script of FAMILIES, or None when it
    has none (a run has one complex-script font: its first such script names it)."""
    for char in text:
        if char.isascii():
            continue
        script = unicodedata.name(char, "").split(" ", 1)[0]
        family = FAMILIES.get(script)
        if family is not None:
            return family
    return None
