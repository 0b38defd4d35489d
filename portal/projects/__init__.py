"""Projects residents submit to a cycle, and the one state machine of their status."""
