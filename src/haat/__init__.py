"""Haat: an open-source commerce backend for direct-to-consumer brands."""

__version__ = "0.1.0"
