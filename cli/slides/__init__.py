"""The customer ROI deck (`profiling slides`): a client of the public GraphQL API.

- `client`: GraphQL over httpx, in process (the app through `httpx.ASGITransport`, internal
  scope) or against a server's URL with a key; one error type, `DeckError`, one line each.
- `queries`: the queries the deck sends and what it keeps of their answers (`model`).
- `text`: the deck's words and numbers from those answers, in the deck's locale.
- `words`: the deck's words in its language (gettext catalogues in `locales/`).
- `scripts`: the font family a run in a complex script (Devanagari, Arabic...) names.
- `drawing`: typed doors to python-pptx (charts, whose workbooks quote formulas; runs).
- `build`: the slides, with python-pptx and native charts; `write_deck` saves atomically.
"""

from __future__ import annotations
