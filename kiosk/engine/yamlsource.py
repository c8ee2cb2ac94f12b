"""Read YAML while remembering the line of every key, so errors can point at the line to fix."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


# libyaml's parser (CSafeLoader) when PyYAML was built with it: the pure-Python one took 2 of the 2.4 seconds an app
# needed to start (88 files, 10 languages), which every worker, `kiosk check` and every test app paid.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ContentLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A safe loader that keeps `yes`, `no`, `on`, `off` and dates as plain strings.

    City staff write option values like `yes` and dates like `2026-04-01`; YAML 1.1 would silently turn
    them into booleans and date objects, and the resulting errors would be baffling.
    """


_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


INDENT_FIX = "字下げ（スペース）と「:」のあとの空白を確かめてください"


class YamlSyntaxError(Exception):
    """The file is not valid YAML; `fix` says what to look at."""

    def __init__(self, line: int | None, message: str, fix: str = INDENT_FIX) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.fix = fix


def load_yaml(path: Path) -> tuple[Any, dict[Path_, int]]:
    """Load one YAML document and return (data, {key path: line number})."""
    text = path.read_text(encoding="utf-8")
    return load_yaml_text(text)


def load_yaml_text(text: str) -> tuple[Any, dict[Path_, int]]:
    """Load YAML text; see `load_yaml`."""
    loader = _ContentLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = str(exc.problem or exc)
        if "maximum nesting depth" in problem:  # libyaml stops at 1,000 levels; say it in the editor's words
            raise YamlSyntaxError(line, "入れ子が深すぎます（1,000 段まで）",
                                  "[ ] や { } の中にさらに [ ] や { } を重ねすぎていないか確かめてください") from exc
        raise YamlSyntaxError(line, problem) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, str(exc)) from exc
    finally:
        loader.dispose()
    positions: dict[Path_, int] = {}
    _record(node, (), positions)
    return data, positions


def _record(node: yaml.Node, path: Path_, positions: dict[Path_, int]) -> None:
    positions[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_path = path + (key_node.value,)
                positions[key_path] = key_node.start_mark.line + 1
                _record_children(value_node, key_path, positions)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _record(child, path + (index,), positions)


def _record_children(node: yaml.Node, path: Path_, positions: dict[Path_, int]) -> None:
    # The key's own line is already recorded; only descend into collections.
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        line = positions[path]
        _record(node, path, positions)
        positions[path] = line


def line_for(positions: dict[Path_, int], path: Path_) -> int | None:
    """The line of `path`, or of its nearest recorded ancestor."""
    while path:
        if path in positions:
            return positions[path]
        path = path[:-1]
    return positions.get(())


def key_text(path: Path_) -> str:
    """Render a key path the way a clerk reads it: questions[3].options[1].value."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
