"""Which details are asked for, per life event and role, with their autocomplete tokens (WCAG 1.3.5)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    """One field of a prefill form. Labels and hints are interface strings under `prefill.field.<name>`."""

    name: str
    kind: str  # text | kana | date | postal | phone | sex | relationship
    autocomplete: str | None = None
    required: bool = True
    max_length: int = 60


NAME = FieldSpec("name", "text", "name")
NAME_KANA = FieldSpec("name_kana", "kana")
BIRTH_DATE = FieldSpec("birth_date", "date", "bday")
POSTAL = FieldSpec("postal_code", "postal", "postal-code", required=False)
ADDRESS = FieldSpec("address", "text", "street-address", max_length=120)
PHONE = FieldSpec("phone", "phone", "tel")
RELATIONSHIP = FieldSpec("relationship", "relationship")
SEX = FieldSpec("sex", "sex", "sex", required=False)

# Details about someone else (the person who died, the baby, family members) never take the resident's own
# autofill: their autocomplete is "off".
OTHER_NAME = FieldSpec("name", "text", "off")
OTHER_NAME_KANA = FieldSpec("name_kana", "kana", "off")
OTHER_BIRTH_DATE = FieldSpec("birth_date", "date", "off")
OTHER_ADDRESS = FieldSpec("address", "text", "off", max_length=120)
OTHER_POSTAL = FieldSpec("postal_code", "postal", "off", required=False)
OTHER_SEX = FieldSpec("sex", "sex", "off", required=False)

APPLICANT = (NAME, NAME_KANA, BIRTH_DATE, SEX, POSTAL, ADDRESS, PHONE, RELATIONSHIP)  # sex: on a マイナンバーカード

FIELDS: dict[str, dict[str, tuple[FieldSpec, ...]]] = {
    "okuyami": {
        "applicant": APPLICANT,
        "subject": (OTHER_NAME, OTHER_NAME_KANA, OTHER_BIRTH_DATE, OTHER_SEX, OTHER_POSTAL, OTHER_ADDRESS),
    },
    "shussei": {
        "applicant": APPLICANT,
        "subject": (OTHER_NAME, OTHER_NAME_KANA, OTHER_SEX),
    },
    "hikkoshi": {
        "applicant": APPLICANT,
        "move": (
            FieldSpec("old_postal_code", "postal", "off", required=False),
            FieldSpec("old_address", "text", "off", max_length=120),
            FieldSpec("new_postal_code", "postal", "off", required=False),
            FieldSpec("new_address", "text", "off", max_length=120),
        ),
        "member": (OTHER_NAME, OTHER_NAME_KANA, OTHER_BIRTH_DATE, OTHER_SEX, RELATIONSHIP),
    },
}
"""Per event: the roles in the order they are asked, and their fields."""

ROLES = ("applicant", "subject", "move", "member")
MAX_MEMBERS = 6  # 住民異動届: people moving besides the applicant


def roles_for(event: str) -> tuple[str, ...]:
    """The prefill pages of an event, in order."""
    return tuple(FIELDS.get(event, {}))
