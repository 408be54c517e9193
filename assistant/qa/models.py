"""Tables of the qa capability (filled in by its work; imported by assistant.db)."""
