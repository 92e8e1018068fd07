"""HTTP API and reviewer UI."""
