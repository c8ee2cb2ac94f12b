"""An office on the case's route that the outside pack does not describe (the police for a driving licence, the
landlord for a lease) still gets its own entry in the pack, after the described ones: its name and kind, the route's
procedures done there, what to bring for them (each item once), no tasks of its own, and "if it applies" exactly
when every procedure there is conditional; its texts are looked up under its own key."""

from __future__ import annotations

from kiosk.engine.outside import body_key, pack_key

from .test_outside import DEATH, bodies, pack_for


def test_an_office_no_body_describes_still_gets_its_entry_with_the_routes_procedures(content):
    pack = pack_for(content, "okuyami", DEATH)
    assert pack.flow_id == "okuyami" and pack.key == pack_key("okuyami") == "outside.okuyami"
    found = bodies(pack)
    police = found["keisatsu"]
    offices = content.municipality.offices
    assert police.body is None and police.place_id == "keisatsu" and police.place == offices["keisatsu"]
    assert police.key == body_key("okuyami", "keisatsu") == "outside.okuyami.body.keisatsu"
    assert police.procedures and all(proc.place_id == "keisatsu" for proc in police.procedures)
    assert police.tasks == ()
    assert "menkyosho" in police.item_ids
    expected = tuple(dict.fromkeys(item for proc in police.procedures for item in proc.item_ids))
    assert police.item_ids == expected
    assert police.conditional == all(proc.conditional for proc in police.procedures)
    described = [body.id for body in pack.bodies if body.body is not None]
    plain = [body.id for body in pack.bodies if body.body is None]
    assert plain and [body.id for body in pack.bodies] == described + plain  # the plain ones come last
