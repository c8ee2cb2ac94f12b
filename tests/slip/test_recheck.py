"""The counter checks a sealed slip's content again (anyone with its public key can make a slip)."""

from datetime import date

from kiosk.slip import SlipCase
from kiosk.slip.recheck import recheck
from kiosk.slip.sample import FULL_ANSWERS, PREFILL, sample_okuyami_case

from .conftest import NOW

TODAY = date(2026, 6, 16)


def test_a_genuine_slip_comes_through_unchanged(content):
    applicant = {k: v for k, v in PREFILL["applicant"].items() if k != "relation"} | {"relationship": "child"}
    subject = {k: v for k, v in PREFILL["subject"].items() if k != "death_date"} | {"sex": "male"}
    case = SlipCase.new("okuyami", FULL_ANSWERS, {"applicant": applicant, "subject": subject}, now=NOW)
    checked = recheck(case, content.flows["okuyami"], TODAY)
    assert checked.notes == ()
    assert checked.answers == case.answers
    assert checked.prefill == {"applicant": applicant, "subject": subject}


def test_fields_the_forms_do_not_have_are_dropped_and_reported(content):
    checked = recheck(sample_okuyami_case(NOW), content.flows["okuyami"], TODAY)  # has relation, death_date
    assert [(note.kind, note.code) for note in checked.notes] == [("unknown", "unknown_field")]
    assert "relation" not in checked.prefill["applicant"] and "death_date" not in checked.prefill["subject"]


def test_invalid_values_are_removed_and_reported_without_the_values(content):
    case = SlipCase.new(
        "hikkoshi",
        {"move_type": "tennyu", "move_date": "9999-12-31", "has_dog": "maybe", "gone": "x", "vehicles": ["futsu"]},
        {
            "applicant": {"name": "山田\u202e郎太", "name_kana": "やまだ たろう", "phone": "x" * 500},
            "move": {"new_address": "国立市\x00中1-1"},
            "member1": {"name": "山田 花子", "relationship": "child"},
            "member2": {"name": "\x1b"},
            "member7": {"name": "七人目"},
            "visitor": {"name": "誰か"},
        },
        now=NOW,
    )
    checked = recheck(case, content.flows["hikkoshi"], TODAY)
    assert dict(checked.answers) == {"move_type": "tennyu", "vehicles": ("futsu",)}
    assert checked.prefill == {
        "applicant": {"name": "", "name_kana": "ヤマダ タロウ", "phone": ""},
        "move": {"new_address": ""},
        "members": [{"name": "山田 花子", "relationship": "child"}, {"name": ""}],
    }
    notes = {(note.kind, note.where, note.code) for note in checked.notes}
    assert notes == {
        ("answer", "move_date", "too_late"),
        ("answer", "has_dog", "not_an_option"),
        ("detail", "applicant.name", "bad_characters"),
        ("detail", "applicant.phone", "too_long"),
        ("detail", "move.new_address", "bad_characters"),
        ("detail", "member.name", "bad_characters"),
        ("unknown", "", "unknown_field"),
    }
    text = repr(checked.notes)
    assert all(value not in text for value in ("\u202e", "\x00", "\x1b", "七人目", "誰か", "xxxx"))


def test_the_sixth_family_member_is_kept_and_the_seventh_is_not(content):
    members = {f"member{n}": {"name": f"山田 {n}郎"} for n in range(1, 8)}
    case = SlipCase.new("hikkoshi", {"move_type": "tennyu"}, members, now=NOW)
    checked = recheck(case, content.flows["hikkoshi"], TODAY)
    assert [member["name"] for member in checked.prefill["members"]] == [f"山田 {n}郎" for n in range(1, 7)]
    assert [(note.kind, note.code) for note in checked.notes] == [("unknown", "unknown_field")]


def test_an_unknown_role_or_field_does_not_stop_the_check_of_the_rest(content):
    case = SlipCase.new(
        "hikkoshi", {"move_type": "tennyu"},
        {"visitor": {"name": "誰か"}, "members": {"name": "x"}, "applicant": {"nickname": "たろ", "name": "山田 太郎",
                                                                             "phone": ""},
         "move": {"new_address": "国立市中1-1"}},
        now=NOW,
    )
    checked = recheck(case, content.flows["hikkoshi"], TODAY)
    # An empty field is simply empty (no note); the roles after an unknown one and the fields after an unknown
    # field are still checked and kept.
    assert checked.prefill == {"applicant": {"name": "山田 太郎", "phone": ""}, "move": {"new_address": "国立市中1-1"}}
    assert [(note.kind, note.code) for note in checked.notes] == [("unknown", "unknown_field")]
    assert checked.event == "hikkoshi"


def test_an_empty_unknown_role_is_no_note(content):
    case = SlipCase.new("hikkoshi", {"move_type": "tennyu"}, {"visitor": {}, "applicant": {"name": "山田 太郎"}},
                        now=NOW)
    checked = recheck(case, content.flows["hikkoshi"], TODAY)
    assert checked.notes == () and checked.prefill == {"applicant": {"name": "山田 太郎"}}
