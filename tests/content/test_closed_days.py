"""One closed-day rule, applied by law per procedure (issue 13): a period deadline owed to the city (地方自治法4条の2④)
or to a national agency (行政機関の休日に関する法律2条) moves off a closed day; a private one does not. Content that
departs from the group's default says so with `next_open_day`, and each departure is listed here with its law."""

from kiosk.engine.deadlines import closed_day_rule
from kiosk.engine.model import Deadline

OPTED_OUT = {
    # 特例転入: the 14/30 days are also the card's validity period (番号法施行令14条); the earlier date is kept.
    "tokurei_tennyu",
}
CIVIL_CODE = {
    # 民法142条 where the group's law is not the one that moves the date.
    "sozoku_hoki",  # 家庭裁判所: the 熟慮期間 is a period of the Civil Code
    "sumai_shichoson_tetsuzuki",  # another city's office (filed as agency)
    "jido_teate_komuin",  # the public employer (所属庁) of a civil servant (filed as private)
}


def deadlines(content):
    """Every (procedure id, group, rule) in the catalogue and in the flows' own deadlines."""
    for proc_id, procedure in content.procedures.items():
        if procedure.deadline is not None:
            yield proc_id, procedure.group, procedure.deadline
    for flow in content.flows.values():
        for attachment in flow.procedures:
            if attachment.deadline is not None:
                yield attachment.procedure, content.procedures[attachment.procedure].group, attachment.deadline


def test_period_deadlines_owed_to_a_public_body_move_off_closed_days(content):
    stays = set()
    for proc_id, group, rule in deadlines(content):
        if rule.kind == "period" and group in ("city", "agency") and closed_day_rule(rule, group) is None:
            stays.add(proc_id)
    assert stays == OPTED_OUT, "a public body's deadline that does not move needs its law here"


def test_every_departure_from_the_group_default_is_listed_with_its_law(content):
    civil = {proc_id for proc_id, group, rule in deadlines(content) if closed_day_rule(rule, group) == "civil"}
    assert civil == CIVIL_CODE


def test_private_deadlines_do_not_move():
    rule = Deadline.model_validate({"years": 2, "from": "event"})
    assert closed_day_rule(rule, "private") is None
    assert closed_day_rule(rule, "city") == "city"
