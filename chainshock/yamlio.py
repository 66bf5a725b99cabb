"""YAML reading that remembers where each mapping and key came from.

Curated data and scenario files are written by people; an error must point at the file and
line to fix, so every mapping loaded here carries its line numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from chainshock.errors import DataError

__all__ = ["KEY_LINES", "LINE", "line_of", "load_yaml", "strip_marks"]

LINE = "__line__"
KEY_LINES = "__key_lines__"


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader whose mappings record their own and their keys' lines."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
    loader.flatten_mapping(node)
    mapping: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool):
            raise yaml.constructor.ConstructorError(
                None, None, f"unhashable key {key!r}", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        try:
            mapping[str(key)] = loader.construct_object(value_node, deep=True)
        except (ValueError, OverflowError) as err:  # e.g. a date like 2025-13-45
            raise yaml.constructor.ConstructorError(
                None, None, f"{key}: {value_node.value!r} is not a valid value ({err})", value_node.start_mark
            ) from None
        key_lines[str(key)] = key_node.start_mark.line + 1
    mapping[LINE] = node.start_mark.line + 1
    mapping[KEY_LINES] = key_lines
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    """Parse ``path``; a syntax error becomes a one-line :class:`DataError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise DataError(f"{path}: cannot read ({err.strerror})") from err
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = err.problem or err.context or "invalid YAML"
        raise DataError(f"{path}{line}: YAML syntax error: {problem}") from err
    except yaml.YAMLError as err:
        raise DataError(f"{path}: YAML error: {err}") from err
    except (ValueError, OverflowError, RecursionError) as err:  # a bad date in a list, a too-deep nesting
        raise DataError(f"{path}: YAML value error: {err}") from None


def line_of(mapping: Any, loc: tuple[Any, ...] = ()) -> int | None:
    """The line of the deepest key in ``loc`` that exists in ``mapping``."""
    line = mapping.get(LINE) if isinstance(mapping, dict) else None
    node = mapping
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            line = node.get(KEY_LINES, {}).get(part, line)
            node = node[part]
            if isinstance(node, dict):
                line = node.get(LINE, line)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            if isinstance(node, dict):
                line = node.get(LINE, line)
        else:
            break
    return line


def strip_marks(value: Any) -> Any:
    """A copy without the line bookkeeping, ready for pydantic."""
    if isinstance(value, dict):
        return {k: strip_marks(v) for k, v in value.items() if k not in (LINE, KEY_LINES)}
    if isinstance(value, list):
        return [strip_marks(v) for v in value]
    return value
