"""Persistence: SQLAlchemy models, the database, server-side sessions. Alembic migrations live beside it."""

from .database import Database
from .sessions import SessionStore

__all__ = ["Database", "SessionStore"]
