"""Load questionnaires/ and validate it strictly: schema, ids, references, and what conditions can read."""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from .conditions import (
    Answered,
    Atom,
    Compare,
    Condition,
    ConditionSyntaxError,
    DateCompare,
    Equals,
    In,
    Includes,
)
from .content import Content, Source
from .dates import DEFAULT_NOT_AFTER, DEFAULT_NOT_BEFORE, bound_date, bound_problem
from .errors import ContentError, ContentProblem
from .model import (
    DATE_ROLES,
    Attachment,
    Deadline,
    Flow,
    Item,
    Municipality,
    NoticeField,
    OutsidePack,
    Procedure,
    Question,
)
from .yamlsource import Path_, YamlSyntaxError, key_text, load_yaml

FLOW_FILES = ("okuyami", "shussei", "hikkoshi")
"""The life events the product covers; each has a flow file of the same name. Other flow files may be added."""

T = TypeVar("T")

_PYDANTIC_MESSAGES = {
    "missing": ("必須の項目がありません", "この項目を書き足してください"),
    "extra_forbidden": ("知らない項目です", "綴りを確かめるか、この行を削除してください"),
    "string_type": ("文字で書きます", ""),
    "string_too_short": ("空です", "文を書いてください"),
    "string_pattern_mismatch": (
        "形が正しくありません",
        'id は英小文字・数字・_ で、英小文字で始めます。日付は "YYYY-MM-DD" です',
    ),
    "int_type": ("整数で書きます", ""),
    "int_parsing": ("整数で書きます", ""),
    "bool_type": ("true か false で書きます", ""),
    "bool_parsing": ("true か false で書きます", ""),
    "literal_error": ("使えない値です", ""),
    "list_type": ("リスト（- で始まる行、または [a, b]）で書きます", ""),
    "dict_type": ("「キー: 値」の組で書きます", ""),
    "model_type": ("「キー: 値」の組で書きます", ""),
    "greater_than_equal": ("小さすぎます", ""),
    "too_short": ("1つ以上書きます", ""),
}


class _Collector:
    def __init__(self) -> None:
        self.problems: list[ContentProblem] = []

    def add(self, source: Source, path: Path_, message: str, fix: str = "", severity: str = "error") -> None:
        self.problems.append(ContentProblem(source.file, source.line(path), key_text(path), message, fix, severity))


def load_content(root: Path) -> Content:
    """Load and validate every content file under `root`. Raise ContentError listing all problems."""
    problems = _Collector()
    municipality = _load_model(root / "municipality.yaml", root, Municipality, problems)
    items, item_sources = _load_catalogue(root / "items", root, Item, problems)
    procedures, procedure_sources = _load_catalogue(root / "procedures", root, Procedure, problems)
    flows: dict[str, Flow] = {}
    sources: dict[str, Source] = {}
    for path in _flow_files(root):
        name = path.stem
        loaded = _load_model(path, root, Flow, problems)
        if loaded is None:
            continue
        flow, source = loaded
        if flow.id != name:
            problems.add(source, ("id",), f"id「{flow.id}」がファイル名と違います", f"id: {name} と書きます")
        flows[name] = flow
        sources[name] = source
    # Check everything that did load, so one broken file does not hide the problems of the others.
    if municipality is not None:
        sources["municipality"] = municipality[1]
        _check_catalogue(municipality[0], items, procedures, procedure_sources, problems)
    sources.update({f"item:{k}": v for k, v in item_sources.items()})
    sources.update({f"procedure:{k}": v for k, v in procedure_sources.items()})
    for name, flow in flows.items():
        _check_flow(flow, sources[name], procedures, items, problems)
    outside = _load_packs(root, flows, municipality[0] if municipality else None, items, problems, sources)
    if municipality is None or any(p.severity == "error" for p in problems.problems):
        raise ContentError(problems.problems)
    return Content(
        municipality=municipality[0], items=items, procedures=procedures, flows=flows, sources=sources, outside=outside
    )


# ---------------------------------------------------------------- reading files


def _flow_files(root: Path) -> list[Path]:
    """Every top-level YAML file except the municipality profile is a flow; the known events come first."""
    files = [path for path in root.glob("*.yaml") if path.name != "municipality.yaml"]
    known = {name: index for index, name in enumerate(FLOW_FILES)}
    return sorted(files, key=lambda path: (known.get(path.stem, len(known)), path.stem))


def _relative(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def _read(path: Path, root: Path, problems: _Collector) -> tuple[Any, Source] | None:
    source = Source(_relative(path, root))
    if not path.exists():
        problems.add(source, (), "ファイルがありません", f"{source.file} を作ってください")
        return None
    try:
        data, positions = load_yaml(path)
    except YamlSyntaxError as exc:
        problems.problems.append(
            ContentProblem(
                source.file,
                exc.line,
                "",
                f"YAML として読めません: {exc.message}",
                exc.fix,
            )
        )
        return None
    return data, Source(source.file, positions)


def _load_model(path: Path, root: Path, model: type[T], problems: _Collector) -> tuple[T, Source] | None:
    read = _read(path, root, problems)
    if read is None:
        return None
    data, source = read
    try:
        return TypeAdapter(model).validate_python(data), source
    except ValidationError as exc:
        _report_validation(exc, source, problems)
        return None


def _load_catalogue(
    folder: Path, root: Path, model: type[BaseModel], problems: _Collector
) -> tuple[dict[str, Any], dict[str, Source]]:
    entries: dict[str, Any] = {}
    sources: dict[str, Source] = {}
    files = sorted(folder.glob("*.yaml"))
    if not files:
        problems.add(
            Source(_relative(folder, root)), (), "YAML ファイルがありません", "1つ以上の .yaml ファイルを置いてください"
        )
    for path in files:
        read = _read(path, root, problems)
        if read is None:
            continue
        data, source = read
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.add(source, (), "「id: 中身」の組を並べて書きます", "")
            continue
        adapter = TypeAdapter(model)
        for key, raw in data.items():
            key = str(key)
            if not _is_id(key):
                problems.add(source, (key,), f"id「{key}」が使えません", "英小文字・数字・_ で、英小文字で始めます")
            if key in sources:
                problems.add(
                    source,
                    (key,),
                    f"id「{key}」は {sources[key].file} にもあります",
                    "id はすべてのファイルを通して1つだけにします",
                )
                continue
            sources[key] = source
            try:
                entries[key] = adapter.validate_python(raw)
            except ValidationError as exc:
                # Report the entry; references to it are not reported again as dangling.
                _report_validation(exc, source, problems, prefix=(key,))
                entries[key] = None
    return entries, sources


def _report_validation(exc: ValidationError, source: Source, problems: _Collector, prefix: Path_ = ()) -> None:
    for error in exc.errors():
        loc: Path_ = prefix + tuple(part for part in error["loc"] if part != "[key]")
        ctx_error = (error.get("ctx") or {}).get("error")
        if isinstance(ctx_error, ConditionSyntaxError):
            problems.add(source, loc + ctx_error.path, ctx_error.message, ctx_error.fix)
            continue
        message, fix = _PYDANTIC_MESSAGES.get(error["type"], ("", ""))
        if error["type"] == "literal_error":
            fix = f"使える値: {error.get('ctx', {}).get('expected', '')}"
        if error["type"] in ("value_error", "assertion_error") or not message:
            message = str(error["msg"]).removeprefix("Value error, ")
        problems.add(source, loc, message, fix)


def _is_id(text: str) -> bool:
    return (
        bool(text)
        and text[0].isascii()
        and text[0].islower()
        and all(c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in text)
    )


# ---------------------------------------------------------------- cross-references


def _check_catalogue(
    profile: Municipality,
    items: dict[str, Item],
    procedures: dict[str, Procedure],
    sources: dict[str, Source],
    problems: _Collector,
) -> None:
    for proc_id, proc in procedures.items():
        if proc is None:
            continue
        source = sources[proc_id]
        if proc.counter is None:
            if proc.group != "private":
                problems.add(
                    source,
                    (proc_id, "group"),
                    "counter（窓口）がありません",
                    "municipality.yaml の counters か offices の id を counter: に書きます",
                )
        elif proc.counter not in profile.places:
            problems.add(
                source,
                (proc_id, "counter"),
                f"窓口「{proc.counter}」が municipality.yaml にありません",
                f"使える窓口: {', '.join(profile.places)}",
            )
        else:
            place_is_counter = proc.counter in profile.counters
            if proc.group == "city" and not place_is_counter:
                problems.add(
                    source,
                    (proc_id, "counter"),
                    f"group: city の手続きの窓口「{proc.counter}」が市役所の counters にありません",
                    "市役所の窓口（counters）を書くか、group を agency / private にします",
                )
            if proc.group != "city":
                office = profile.offices.get(proc.counter)
                if office is None or office.kind != proc.group:
                    problems.add(
                        source,
                        (proc_id, "counter"),
                        f"group: {proc.group} の手続きの窓口は offices の kind: {proc.group} から選びます",
                        f"municipality.yaml の offices に kind: {proc.group} の窓口を書きます",
                    )
        for index, item_id in enumerate(proc.items):
            if item_id not in items:
                problems.add(
                    source,
                    (proc_id, "items", index),
                    f"持ち物「{item_id}」が items/ にありません",
                    "items/*.yaml に定義するか、綴りを確かめてください",
                )
        if isinstance(proc.fee, BaseModel) and proc.fee.amount not in profile.amounts:  # type: ignore[attr-defined]
            problems.add(
                source,
                (proc_id, "fee", "amount"),
                f"金額「{proc.fee.amount}」が municipality.yaml の amounts にありません",  # type: ignore[attr-defined]
                "amounts に書き足すか、fee を文で書きます",
            )


def _check_flow(
    flow: Flow, source: Source, procedures: dict[str, Procedure], items: dict[str, Item], problems: _Collector
) -> None:
    seen: dict[str, int] = {}
    for index, question in enumerate(flow.questions):
        here: Path_ = ("questions", index)
        if question.id in seen:
            problems.add(source, here + ("id",), f"質問の id「{question.id}」が2回あります", "id を変えてください")
            continue
        _check_question(flow, question, here, source, problems, earlier=set(seen))
        seen[question.id] = index
    for role, mapped in flow.dates.items():
        for position, question_id in enumerate([mapped] if isinstance(mapped, str) else mapped):
            date_question = flow.question_map.get(question_id)
            path: Path_ = ("dates", role) if isinstance(mapped, str) else ("dates", role, position)
            if date_question is None:
                problems.add(source, path, f"質問「{question_id}」がありません", "日付の質問の id を書きます")
            elif date_question.type != "date":
                problems.add(
                    source, path, f"質問「{question_id}」は日付の質問ではありません", "type: date の質問を書きます"
                )
    _check_screens(flow, source, problems)
    _check_checks(flow, source, problems)
    attached: set[str] = set()
    for index, attachment in enumerate(flow.procedures):
        here = ("procedures", index)
        if attachment.procedure in procedures and procedures[attachment.procedure] is None:
            continue  # the definition itself is broken and already reported
        procedure = procedures.get(attachment.procedure)
        if procedure is None:
            problems.add(
                source,
                here + ("procedure",),
                f"手続き「{attachment.procedure}」が procedures/ にありません",
                "procedures/*.yaml に定義するか、綴りを確かめてください",
            )
            continue
        if attachment.procedure in attached:
            problems.add(
                source,
                here + ("procedure",),
                f"手続き「{attachment.procedure}」が2回あります",
                "1つにまとめ、理由が複数なら triggers に並べます",
            )
        attached.add(attachment.procedure)
        _check_attachment(flow, attachment, procedure, here, source, items, problems)


def _check_unique_ids(ids: list[str], label: str, at: Path_, source: Source, problems: _Collector) -> None:
    """Report each id that appears again in a list of screens, checks, bodies or tasks (at its second place)."""
    seen: set[str] = set()
    for index, entry_id in enumerate(ids):
        if entry_id in seen:
            problems.add(source, at + (index, "id"), f"{label}の id「{entry_id}」が2回あります", "id を変えてください")
        seen.add(entry_id)


def _check_screens(flow: Flow, source: Source, problems: _Collector) -> None:
    """Screens group consecutive questions; none depends on an answer given on the same screen."""
    placed: dict[str, str] = {}
    _check_unique_ids([screen.id for screen in flow.screens], "画面", ("screens",), source, problems)
    for index, screen in enumerate(flow.screens):
        here: Path_ = ("screens", index)
        known = []
        for position, question_id in enumerate(screen.questions):
            where = here + ("questions", position)
            if question_id not in flow.question_map:
                problems.add(source, where, f"質問「{question_id}」がありません", "質問の id の綴りを確かめてください")
                continue
            if question_id in placed:
                problems.add(
                    source,
                    where,
                    f"質問「{question_id}」は画面「{placed[question_id]}」にもあります",
                    "1つの質問は1つの画面にだけ入れます",
                )
                continue
            placed[question_id] = screen.id
            known.append(question_id)
        positions = [flow.position[question_id] for question_id in known]
        if positions and positions != list(range(positions[0], positions[0] + len(positions))):
            problems.add(
                source,
                here + ("questions",),
                f"画面「{screen.id}」の質問が、質問の順に続いていません",
                "questions: の中で続いている質問だけを、同じ順に並べます",
            )
        together = set(known)
        for question_id in known:
            question = flow.question_map[question_id]
            read = question.when.questions() if question.when is not None else set()
            for other in sorted(read & together):
                problems.add(
                    source,
                    here + ("questions", screen.questions.index(question_id)),
                    f"質問「{question_id}」は、同じ画面の質問「{other}」の答えで聞くかどうかが決まります",
                    "1つの画面には、同じ画面の答えで変わらない質問だけを入れます。画面を分けてください",
                )


def _check_checks(flow: Flow, source: Source, problems: _Collector) -> None:
    """Cross-answer checks name existing questions and read them with valid conditions."""
    _check_unique_ids([check.id for check in flow.checks], "チェック", ("checks",), source, problems)
    for index, check in enumerate(flow.checks):
        here: Path_ = ("checks", index)
        for position, question_id in enumerate(check.questions):
            if question_id not in flow.question_map:
                problems.add(
                    source,
                    here + ("questions", position),
                    f"質問「{question_id}」がありません",
                    "メッセージが指す質問の id を書きます",
                )
        if check.when is None:
            problems.add(
                source,
                here + ("when",),
                "チェックの条件 when がありません",
                "例: {date_before: [funeral_date, death_date]}",
            )
            continue
        for atom in check.when.atoms():
            _check_atom(flow, atom, here + ("when",), source, problems)


def _check_question(
    flow: Flow, question: Question, here: Path_, source: Source, problems: _Collector, earlier: set[str]
) -> None:
    if question.type in ("single", "multiple"):
        if not question.options:
            problems.add(
                source,
                here + ("type",),
                f"type: {question.type} には options が必要です",
                "options に value と label を並べます",
            )
        else:
            values = [option.value for option in question.options]
            for position, option in enumerate(question.options):
                if option.value == "unknown":
                    problems.add(
                        source,
                        here + ("options", position, "value"),
                        "value: unknown は使えません",
                        "「わからない」は unknown: true で加えます",
                    )
                if values.count(option.value) > 1:
                    problems.add(
                        source,
                        here + ("options", position, "value"),
                        f"選択肢の値「{option.value}」が2回あります",
                        "値を変えてください",
                    )
    elif question.options:
        problems.add(
            source, here + ("options",), f"type: {question.type} には options を書きません", "options を削除します"
        )
    if question.unknown and not question.unknown_hint:
        problems.add(
            source,
            here + ("unknown",),
            "「わからない」を選べる質問には unknown_hint が必要です",
            "調べ方を1文で書きます（例: 保険証を見るとわかります）",
        )
    if question.type != "number" and (question.min is not None or question.max is not None or question.unit):
        problems.add(source, here + ("type",), "min・max・unit は type: number の質問にだけ書きます", "")
    for bound in ("not_before", "not_after"):
        value = getattr(question, bound)
        if value is None:
            continue
        if question.type != "date":
            problems.add(source, here + (bound,), f"{bound} は type: date の質問にだけ書きます", "")
        elif (problem := bound_problem(value)) == "not_a_bound":
            problems.add(
                source,
                here + (bound,),
                f"{bound} が日付ではありません",
                '"YYYY-MM-DD"、today、または today からの日数・月数・年数（today-1y, today+6m, today+30d）を書きます',
            )
        elif problem == "too_far":
            problems.add(source, here + (bound,), f"{bound} が今日から離れすぎています", "200年以内にします")
    if question.type == "date":
        _check_date_window(question, here, source, problems)
    if question.when is not None:
        for atom in question.when.atoms():
            for question_id in atom.reads():
                if question_id == question.id:
                    problems.add(
                        source, here + ("when",), "自分自身の答えを条件にしています", "前の質問の答えを条件にします"
                    )
                elif question_id in flow.question_map and question_id not in earlier:
                    problems.add(
                        source,
                        here + ("when",),
                        f"条件の質問「{question_id}」はこの質問より後にあります",
                        "条件には、この質問より前の質問だけを使えます",
                    )
            _check_atom(flow, atom, here + ("when",), source, problems)


def _check_attachment(
    flow: Flow,
    attachment: Attachment,
    procedure: Procedure,
    here: Path_,
    source: Source,
    items: dict[str, Item],
    problems: _Collector,
) -> None:
    if attachment.triggers is None:
        if attachment.when is not None:
            for atom in attachment.when.atoms():
                _check_atom(flow, atom, here + ("when",), source, problems)
    else:
        for position, trigger in enumerate(attachment.triggers):
            if trigger.when is not None:
                for atom in trigger.when.atoms():
                    _check_atom(flow, atom, here + ("triggers", position, "when"), source, problems)
    for position, extra in enumerate(attachment.extra_items):
        if extra.item not in items:
            problems.add(
                source, here + ("extra_items", position, "item"), f"持ち物「{extra.item}」が items/ にありません", ""
            )
        if extra.when is not None:
            for atom in extra.when.atoms():
                _check_atom(flow, atom, here + ("extra_items", position, "when"), source, problems)
    rule: Deadline | None = attachment.deadline or procedure.deadline
    for role in rule.roles if rule is not None else ():
        if flow.date_questions(role):
            continue
        where = here + ("deadline",) if attachment.deadline else here + ("procedure",)
        problems.add(
            source,
            where,
            f"期限を数える日「{role}」がこの流れの dates にありません",
            f"dates に {role}: 日付の質問 を書くか、deadline を上書きします（使える役割: {', '.join(DATE_ROLES)}）",
        )


def _check_atom(flow: Flow, atom: Atom, where: Path_, source: Source, problems: _Collector) -> None:
    """Check that an atom reads an existing question of the right type, for values it can give."""
    for question_id in atom.reads():
        if question_id not in flow.question_map:
            problems.add(source, where, f"質問「{question_id}」がありません", "質問の id の綴りを確かめてください")
            return
    if isinstance(atom, Answered):
        return
    if isinstance(atom, DateCompare):
        for question_id in atom.reads():
            if flow.question_map[question_id].type != "date":
                problems.add(
                    source,
                    where,
                    f"{atom.op} の質問「{question_id}」は日付の質問ではありません",
                    "type: date の質問を使います",
                )
        return
    question: Question = flow.question_map[atom.question]  # type: ignore[attr-defined]
    if isinstance(atom, Compare):
        if question.type != "number":
            problems.add(
                source, where, f"{atom.op} は数の質問にだけ使えます（「{question.id}」は {question.type}）", ""
            )
        return
    if isinstance(atom, Includes):
        if question.type != "multiple":
            problems.add(
                source,
                where,
                f"includes は複数選択の質問にだけ使えます（「{question.id}」は {question.type}）",
                "1つを選ぶ質問には equals を使います",
            )
        values: tuple[Any, ...] = (atom.value,)
    elif isinstance(atom, (Equals, In)):
        if question.type == "multiple":
            problems.add(source, where, f"複数選択の質問「{question.id}」には includes を使います", "")
            return
        if question.type == "date":
            problems.add(source, where, f"日付の質問「{question.id}」には date_before などを使います", "")
            return
        values = (atom.value,) if isinstance(atom, Equals) else atom.values
    else:
        return
    for value in values:
        if question.type == "number":
            if not isinstance(value, int) and value != "unknown":
                problems.add(source, where, f"数の質問「{question.id}」と文字「{value}」を比べています", "数を書きます")
        elif value not in question.option_values:
            problems.add(
                source,
                where,
                f"質問「{question.id}」の答えに「{value}」はありません",
                f"使える値: {', '.join(question.option_values)}",
            )


def _check_date_window(question: Question, here: Path_, source: Source, problems: _Collector) -> None:
    """A date question's window (not_before … not_after, or the defaults) must hold at least one day: checked for
    the day the content is loaded, since windows given as offsets from today move with it."""
    low, high = question.not_before or DEFAULT_NOT_BEFORE, question.not_after or DEFAULT_NOT_AFTER
    today = date.today()
    earliest = bound_date(low, today) if bound_problem(low) is None else None
    latest = bound_date(high, today) if bound_problem(high) is None else None
    if earliest is not None and latest is not None and earliest > latest:
        problems.add(
            source,
            here + ("not_before" if question.not_before else "not_after",),
            f"答えられる日付がありません（{low} から {high} まで）",
            "not_before を not_after より前の日にします（書かないときは 1900-01-01 から today+2y まで）",
        )



# ---------------------------------------------------------------- outside/<flow>.yaml: the outside-bodies pack

LETTER_FIELDS = ("title", "request", "reference")
"""What only the letter fills in: the body's notice title, its request, and its reference line."""


def _load_packs(
    root: Path,
    flows: dict[str, Flow],
    profile: Municipality | None,
    items: dict[str, Item],
    problems: _Collector,
    sources: dict[str, Source],
) -> dict[str, OutsidePack]:
    """Each flow's outside-bodies pack (optional): outside/<flow id>.yaml, checked against the flow and profile."""
    packs: dict[str, OutsidePack] = {}
    for path in sorted((root / "outside").glob("*.yaml")):
        loaded = _load_model(path, root, OutsidePack, problems)
        if loaded is None:
            continue
        pack, source = loaded
        flow = flows.get(path.stem)
        if flow is None:
            problems.add(
                source, (), f"流れ「{path.stem}」がありません", f"ファイル名を流れの id にします（{', '.join(flows)}）"
            )
            continue
        _check_pack(flow, pack, source, profile, items, problems)
        packs[flow.id] = pack
        sources[f"outside:{flow.id}"] = source
    return packs


def _check_pack(
    flow: Flow, pack: OutsidePack, source: Source, profile: Municipality | None, items: dict[str, Item],
    problems: _Collector,
) -> None:
    """Conditions read this flow's questions, places and items exist, one body per place, known placeholders."""
    fields = set(get_args(NoticeField))
    _check_when(flow, pack.when, ("when",), source, problems)
    _check_placeholders(pack.letter, fields | set(LETTER_FIELDS), ("letter",), source, problems)
    if "{request}" not in pack.letter:
        problems.add(
            source, ("letter",), "letter に {request} がありません", "各機関へのお願いの文を {request} で差し込みます"
        )
    places: dict[str, str] = {}
    _check_unique_ids([body.id for body in pack.bodies], "機関", ("bodies",), source, problems)
    for index, body in enumerate(pack.bodies):
        here: Path_ = ("bodies", index)
        if profile is not None and body.place not in profile.places:
            problems.add(
                source, here + ("place",), f"窓口「{body.place}」が municipality.yaml にありません",
                "municipality.yaml の offices（または counters）に書き足します",
            )
        if body.place in places:
            problems.add(
                source, here + ("place",), f"窓口「{body.place}」は機関「{places[body.place]}」にもあります",
                "1つの窓口は1つの機関にだけ書きます（そこでの手続きを2回示さないため）",
            )
        places[body.place] = body.id
        _check_when(flow, body.when, here + ("when",), source, problems)
        for position, item_id in enumerate(body.items):
            if item_id not in items:
                problems.add(source, here + ("items", position), f"持ち物「{item_id}」が items/ にありません", "")
        _check_unique_ids([task.id for task in body.tasks], "すること", here + ("tasks",), source, problems)
        for position, task in enumerate(body.tasks):
            there = here + ("tasks", position)
            _check_when(flow, task.when, there + ("when",), source, problems)
            for role in task.deadline.roles if task.deadline is not None else ():
                if not flow.date_questions(role):
                    problems.add(
                        source, there + ("deadline",), f"期限を数える日「{role}」がこの流れの dates にありません",
                        f"使える役割: {', '.join(flow.dates)}",
                    )
        if body.notice is not None:
            _check_placeholders(body.notice.request, fields, here + ("notice", "request"), source, problems)


def _check_when(flow: Flow, when: Condition | None, where: Path_, source: Source, problems: _Collector) -> None:
    for atom in when.atoms() if when is not None else ():
        _check_atom(flow, atom, where, source, problems)


def _check_placeholders(text: str, allowed: set[str], where: Path_, source: Source, problems: _Collector) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        problems.add(source, where, "{ と } の組が合っていません", "差し込みは {deceased_name} のように書きます")
        return
    for name in sorted(names - allowed):
        allowed_text = ", ".join(sorted(allowed))
        problems.add(source, where, f"差し込み「{{{name}}}」は使えません", f"使える差し込み: {allowed_text}")
