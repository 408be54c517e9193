"""Tables of the guidance capability (filled in by its work; imported by assistant.db)."""
