"""Authentication and authorisation: passwords, API keys, sessions, CSRF, principals."""
