"""QA capability: note intake, checking, review queue, dashboards, exports."""
