"""One module per kind of file: its columns, its row checks and what it writes."""
