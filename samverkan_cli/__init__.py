"""The ``samverkan`` command line."""
