"""The web edge: FastAPI app, routes, templates and static files."""
