"""Alembic migrations of Samverkan's schema (run by `samverkan init`)."""
