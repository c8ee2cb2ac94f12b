"""All loaded content: the municipality, items, procedures and flows, validated together."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .model import Flow, Item, Municipality, OutsidePack, Procedure
from .office_days import OfficeCalendar
from .yamlsource import Path_, line_for


@dataclass(frozen=True)
class Source:
    """Where a piece of content came from, for error messages."""

    file: str
    positions: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        """The line of a key path in this file."""
        return line_for(self.positions, path)


@dataclass(frozen=True)
class Content:
    """Validated content. Immutable; shared by every request."""

    municipality: Municipality
    items: dict[str, Item]
    procedures: dict[str, Procedure]
    flows: dict[str, Flow]
    sources: dict[str, Source] = field(default_factory=dict)
    """Source of each flow (by flow id), of each procedure and item (by 'procedure:<id>' / 'item:<id>')."""
    outside: dict[str, OutsidePack] = field(default_factory=dict)
    """The outside-bodies pack of each flow that has one (questionnaires/outside/<flow id>.yaml)."""

    @cached_property
    def calendar(self) -> OfficeCalendar:
        """The city hall's open days."""
        return OfficeCalendar(self.municipality.closed_days)
