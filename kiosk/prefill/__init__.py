"""Prefill (書かない): the few personal details the city's forms need, checked and normalised.

Pure Python. Only the fields the forms need (domain-procedures §7); never the personal number. The values live
in the resident's server-side session and in the counter's case, and are purged with them.
"""

from .fields import FIELDS, ROLES, FieldSpec, roles_for
from .validate import PrefillErrors, normalise_role

__all__ = ["FIELDS", "ROLES", "FieldSpec", "PrefillErrors", "normalise_role", "roles_for"]
