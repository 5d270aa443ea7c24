"""YAML text -> plain data that remembers its line numbers, read defensively.

Mappings and lists come back as dict/list subclasses carrying the line of each key and
item (for messages such as ``[line 12, fear] unknown facet``). Reading is bounded: nesting
too deep for the parser and aliases that expand to more than :data:`MAX_YAML_VALUES`
values (an alias bomb, or an alias inside its own anchor) are reported as problems, not
crashes or hangs.

>>> data, problems = parse_yaml("name: x\\ncodes: []\\n", "cb.yaml")
>>> data["name"], line_of(data, "codes"), problems
('x', 2, [])
"""

from __future__ import annotations

from typing import Any

import yaml

from qualkit.errors import Problem

MAX_YAML_VALUES = 1_000_000
"""Most values a codebook file may expand to once YAML aliases are resolved."""


class LineDict(dict):
    line: int | None = None
    key_lines: dict
    duplicates: list


MAX_YAML_VALUES = 1_000_000
"""Most values a codebook file may expand to once YAML aliases are resolved."""


class LineList(list):
    line: int | None = None
    item_lines: list


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines, out.duplicates = {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        if key in out:
            out.duplicates.append((key, key_node.start_mark.line + 1))
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(n, deep=True) for n in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [n.start_mark.line + 1 for n in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def line_of(obj: Any, key: Any = None, default: int | None = None) -> int | None:
    if key is not None and isinstance(obj, LineDict):
        return obj.key_lines.get(key, obj.line)
    return getattr(obj, "line", None) or default


def _expanded_size(node: yaml.Node) -> int:
    """How many values ``node`` stands for once every alias is expanded (each shared
    node counted as often as it is referred to; computed once per node)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()   # on the current path: seeing one again is a cycle
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        if id(current) in sizes:
            continue
        if not done and id(current) in open_nodes:
            return MAX_YAML_VALUES + 1   # an alias inside its own anchor: endless
        if isinstance(current, yaml.ScalarNode):
            sizes[id(current)] = 1
            continue
        children = ([n for pair in current.value for n in pair] if isinstance(current, yaml.MappingNode)
                    else list(current.value))
        if done:
            sizes[id(current)] = 1 + sum(sizes.get(id(c), 1) for c in children)
            open_nodes.discard(id(current))
            continue
        open_nodes.add(id(current))
        stack.append((current, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(node)]


def parse_yaml(text: str, path: str | None) -> tuple[Any, list[Problem]]:
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader already refuses non-printable characters
        node = loader.get_single_node()
        if node is not None and _expanded_size(node) > MAX_YAML_VALUES:
            return None, [Problem(f"the YAML aliases (*name) expand to more than {MAX_YAML_VALUES:,} values",
                                  where=path, line=None,
                                  hint="a codebook needs no aliases nested in aliases; write the "
                                       "lists out, or remove the aliases")]
        return (loader.construct_document(node) if node is not None else None), []
    except RecursionError:
        # PyYAML parses nesting recursively: absurdly deep brackets exhaust the stack.
        mark = loader.get_mark() if loader is not None else None
        return None, [Problem("malformed YAML: the file nests lists or mappings too deeply to read",
                              where=path, line=mark.line + 1 if mark is not None else None,
                              hint="a codebook needs only a few levels of nesting; check for runaway "
                                   "'[' or '{' brackets near this line")]
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(err, "problem", None) or str(err)
        return None, [Problem(f"malformed YAML: {what}", where=path, line=line,
                              hint="check indentation, colons and quotes on this line "
                                   "(quote patterns that contain ':' or start with a special character)")]
    finally:
        if loader is not None:
            loader.dispose()


__all__ = ["MAX_YAML_VALUES", "LineDict", "LineList", "line_of", "parse_yaml"]
