"""The cards' jobs, for the worker to register: a queued card batch's rendering."""

from perisai.cards import batches

__all__ = ["batches"]
