"""Tables of the roleplay capability (filled in by its work; imported by assistant.db)."""
