"""Fixtures shared by the card tests and the browser test: pcscd, the test PKI, and emulated cards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .emulator import CardPki, EmulatedCard, Holder, build_files
from .pcsc import pcscd_session, wait_for_card


@pytest.fixture(scope="session")
def pcscd() -> Iterator[None]:
    """pcscd with the virtual reader (started here when needed)."""
    yield from pcscd_session()


@pytest.fixture(scope="session")
def pki() -> CardPki:
    return CardPki()


@pytest.fixture(scope="session")
def jlis_certificate(pki: CardPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pki.write_jlis_certificate(tmp_path_factory.mktemp("jlis") / "jlis.pem")


PlaceCard = Callable[..., EmulatedCard]


@pytest.fixture
def place_card(pcscd: None, pki: CardPki) -> Iterator[PlaceCard]:
    """place_card(forge=None, holder=Holder(), **EmulatedCard options): a card on the virtual reader, removed after."""
    placed: list[EmulatedCard] = []

    def place(forge: str | None = None, holder: Holder | None = None, **options: Any) -> EmulatedCard:
        card = EmulatedCard(build_files(holder or Holder(), pki, forge), **options).insert()
        placed.append(card)
        wait_for_card(True)
        return card

    yield place
    for card in placed:
        card.remove()
    if placed:
        wait_for_card(False)
