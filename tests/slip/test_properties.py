"""Whatever is scanned or typed, the readers raise SlipError and nothing else."""

import contextlib
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.slip import (
    Keyring,
    SlipCase,
    SlipError,
    open_sealed,
    open_token,
    parse_reference_code,
    read_scan,
    reference,
    seal,
    sealed,
)
from kiosk.slip.codec import b32encode

from .conftest import NEW, NOW, OLD

KEYRING = Keyring((NEW, OLD), "2026a")
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

texts = st.one_of(
    st.text(),
    st.text(alphabet=BASE32, max_size=800).map(lambda body: "S" + body),
    st.text(alphabet=BASE32, max_size=120).map(lambda body: "R" + body),
    st.binary(max_size=600).map(lambda raw: "S" + b32encode(raw)),
    st.binary(max_size=80).map(lambda raw: "R" + b32encode(raw)),
    st.binary(max_size=200).map(lambda raw: "S" + b32encode(b"\x01" + NEW.fingerprint + raw)),
    st.binary(max_size=80).map(lambda raw: "R" + b32encode(b"\x01" + NEW.fingerprint + raw)),
)
anything = st.one_of(texts, st.binary(max_size=300))
PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(anything)
def test_opening_arbitrary_input_raises_only_slip_error(text):
    for reader in (open_sealed, open_token, read_scan):
        with contextlib.suppress(SlipError):
            reader(text, KEYRING, now=NOW)


@PROPERTY
@given(texts)
def test_the_inner_readers_need_no_safety_net(text):
    """The catch-all in open_sealed/open_token is a last resort, not what makes the property above hold."""
    for reader in (sealed._open, reference._open):
        with contextlib.suppress(SlipError):
            reader(text, KEYRING, NOW)


@PROPERTY
@given(st.text(max_size=30))
def test_parsing_typed_codes_raises_only_slip_error(text):
    with contextlib.suppress(SlipError):
        parse_reference_code(text)


answers = st.dictionaries(
    st.text(min_size=1, max_size=30),
    st.one_of(
        st.text(max_size=20), st.integers(-(2**40), 2**40), st.lists(st.text(max_size=10), max_size=4).map(tuple)
    ),
    max_size=8,
)
prefill = st.dictionaries(
    st.sampled_from(["applicant", "subject", "spouse"]),
    st.dictionaries(st.sampled_from(["name", "name_kana", "address", "phone", "x"]), st.text(max_size=30), max_size=5),
    max_size=3,
)


@PROPERTY
@given(st.text(min_size=1, max_size=20), answers, prefill, st.integers(1, 10_000_000))
def test_any_case_round_trips(event, answer_map, prefill_map, seconds):
    case = SlipCase.new(event, answer_map, prefill_map, valid_for=timedelta(seconds=seconds), now=NOW)
    assert open_sealed(seal(case, KEYRING), KEYRING, now=NOW) == case


@PROPERTY
@given(st.integers(1, 700), st.sampled_from(BASE32))
def test_no_single_character_change_opens(position, char):
    payload = seal(SlipCase.new("okuyami", {"deceased_age": 78}, {"subject": {"name": "山田 太郎"}}, now=NOW), KEYRING)
    position %= len(payload)
    if position == 0 or payload[position] == char:
        return
    with pytest.raises(SlipError):
        open_sealed(payload[:position] + char + payload[position + 1 :], KEYRING, now=NOW)
