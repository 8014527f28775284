"""vidoc: scanned Vietnamese directives to clean, structured, auditable text."""

__version__ = "0.1.0"
