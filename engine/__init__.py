"""Samverkan's workflow core: deploy, start, complete, timers and queries.

Imports SpiffWorkflow and SQLAlchemy, never Flask.
"""
