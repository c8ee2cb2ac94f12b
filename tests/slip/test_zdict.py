"""The preset dictionary is built from the word lists in kiosk/slip/zdict.py when the module is imported. Building
it again from those lists gives the same bytes as the pinned one (tests/slip/test_sealed.py pins ZDICT_V1's
SHA-256), so a change to the lists or to how they are joined fails a test even where the module was imported
before the change (as under mutation testing, which changes code after import)."""

from __future__ import annotations

import hashlib

from kiosk.slip import zdict

PINNED = "e406cdc99f34a5ac1cfc318ab9d4274146ce132dd7c23608d9f55fbd716e2731"


def test_building_the_dictionary_again_gives_the_pinned_bytes():
    built = zdict._build()
    assert built == zdict.ZDICT_V1
    assert hashlib.sha256(built).hexdigest() == PINNED
    assert len(built) == 3332
