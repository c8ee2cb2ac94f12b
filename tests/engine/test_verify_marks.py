"""`kiosk check --verify`: every fact the research could not confirm (a `verify:` mark) is listed for the city's
review, each at its own file, line and key — amounts, procedures, items, offices, outside bodies and their tasks —
and nothing without a mark is listed."""

from __future__ import annotations

from kiosk.engine import load_content
from kiosk.engine.analysis import verify_marks

from .conftest import TOY_PACK, edit, write_pack


def test_every_verify_mark_is_listed_at_its_file_line_and_key(toy_copy):
    edit(toy_copy / "municipality.yaml", "  sosaihi: {label: 葬祭費, text: 5万円}",
          "  sosaihi: {label: 葬祭費, text: 5万円, verify: 金額を確かめる}")
    # Marks on lines of their own (block style) are listed at that line, not at their entry's first line.
    edit(toy_copy / "municipality.yaml", "  nenkin: {name: 年金事務所, kind: agency}",
          "  nenkin:\n    name: 年金事務所\n    kind: agency\n    verify: 管轄を確かめる")
    edit(toy_copy / "procedures" / "a.yaml", "  check_hint: 保険証を見るとわかります",
          "  check_hint: 保険証を見るとわかります\n  verify: 期限を確かめる")
    edit(toy_copy / "items" / "a.yaml", "hokensho: {name: 保険証}",
          "hokensho:\n  name: 保険証\n  verify: 名前を確かめる")
    pack = TOY_PACK.replace(
        "    notice:",
        "    verify: 窓口を確かめる\n    tasks:\n"
        "      - id: shokai\n        text: 照会する\n        verify: 手数料を確かめる\n"
        "      - {id: kaiyaku, text: 解約する}\n    notice:",
    )
    write_pack(toy_copy, pack)
    content = load_content(toy_copy)
    marks = verify_marks(content)
    assert {problem.severity for problem in marks} == {"verify"}
    found = [(problem.file.rsplit("questionnaires/", 1)[-1], problem.line, problem.key, problem.message)
             for problem in marks]

    def at(relative: str, text: str) -> tuple[str, int]:
        lines = (toy_copy / relative).read_text(encoding="utf-8").splitlines()
        return relative, next(number for number, line in enumerate(lines, 1) if text in line)

    assert found == [
        (*at("municipality.yaml", "sosaihi:"), "amounts.sosaihi", "金額を確かめる"),
        (*at("procedures/a.yaml", "verify: 期限"), "kokuho_loss", "期限を確かめる"),
        (*at("items/a.yaml", "verify: 名前"), "hokensho", "名前を確かめる"),
        (*at("municipality.yaml", "verify: 管轄"), "offices.nenkin", "管轄を確かめる"),
        (*at("outside/toy.yaml", "verify: 窓口"), "nenkin", "窓口を確かめる"),
        (*at("outside/toy.yaml", "verify: 手数料"), "nenkin.shokai", "手数料を確かめる"),
    ]


def test_content_without_marks_lists_nothing(toy_copy):
    write_pack(toy_copy, TOY_PACK)
    assert verify_marks(load_content(toy_copy)) == []
