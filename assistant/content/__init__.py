"""Content loading shared by the script library and role-play data."""
