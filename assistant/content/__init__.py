"""Script-library content: schema, line-aware loader, linter.

Other areas use `load_library(scripts_dir)` for the snippets (stable ids and `kind`) and flows.
"""

from assistant.content.library import Library, Problem, load_library, read_library

__all__ = ["Library", "Problem", "load_library", "read_library"]
