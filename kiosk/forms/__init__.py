"""Printable, prefilled A4 forms (書かない窓口): the clerk prints the city's forms filled in from the case.

The layouts imitate the common paper originals but are samples, not any city's official forms. Every form is one
A4 page; templates/print/forms.html prints all of a case's forms in one go:

    forms = forms_for(p.id for p in result.procedures)
    render_template("print/forms.html", forms=forms, **form_context(case, result))

and one form alone: render_template(spec.template, **form_context(case, result)). The CSS is inline, which the
app's default Content-Security-Policy blocks: serve the page with print_content_security_policy(html).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .context import CaseLike, ChildRow, Person, Tick, form_context, relationship_label
from .csp import print_content_security_policy
from .wareki import wareki


@dataclass(frozen=True)
class FormSpec:
    """One printable form and the procedures that need it."""

    id: str
    title: str
    template: str
    procedures: frozenset[str]


def _form(form_id: str, title: str, *procedures: str) -> FormSpec:
    return FormSpec(form_id, title, f"print/forms/{form_id}.html", frozenset(procedures))


# In counter order (市民課 → 保険年金課 → 介護保険 → 子育て支援課 → 環境政策課), as the route visits them.
FORMS: tuple[FormSpec, ...] = (
    _form(
        "jumin_ido",
        "住民異動届",
        "tennyu_todoke",
        "tokurei_tennyu",
        "kokugai_tennyu_todoke",
        "tenshutsu_todoke",
        "kokugai_tenshutsu_todoke",
        "tenkyo_todoke",
        "setai_henko_todoke",
        "setainushi_henko",
    ),
    _form("inkan_haishi", "印鑑登録証亡失・廃止届", "inkan_torokusho_henkan", "inkan_toroku_haishi"),
    _form("kokuho_shikaku", "国民健康保険 資格取得・喪失届", "kokuho_kanyu", "kokuho_shikaku_soshitsu"),
    _form("sosaihi", "葬祭費支給申請書（国民健康保険・後期高齢者医療）", "kokuho_sosaihi", "koki_sosaihi"),
    _form("kaigo_soshitsu", "介護保険 資格喪失届", "kaigo_shikaku_soshitsu"),
    _form("jido_teate", "児童手当 認定請求書（額改定請求書）", "jido_teate_nintei"),
    _form("inu", "犬の登録事項変更届・死亡届", "inu_todoke"),
)

FORMS_BY_ID: dict[str, FormSpec] = {form.id: form for form in FORMS}


def forms_for(procedure_ids: Iterable[str]) -> list[FormSpec]:
    """The forms a case needs, each once, in counter order."""
    wanted = set(procedure_ids)
    return [form for form in FORMS if form.procedures & wanted]


__all__ = [
    "FORMS",
    "FORMS_BY_ID",
    "CaseLike",
    "ChildRow",
    "FormSpec",
    "Person",
    "Tick",
    "form_context",
    "forms_for",
    "print_content_security_policy",
    "relationship_label",
    "wareki",
]
