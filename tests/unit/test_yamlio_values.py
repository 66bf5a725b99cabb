"""A YAML value the loader cannot build (an impossible date) is a one-line DataError with its line."""

from pathlib import Path

import pytest

from chainshock.errors import DataError
from chainshock.yamlio import load_yaml


def test_impossible_date_in_a_mapping_names_the_line(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text("name: x\nas_of: 2025-13-45\n")
    with pytest.raises(DataError, match=r"s\.yaml:2: .*as_of: '2025-13-45' is not a valid value \(month must be in 1\.\.12\)"):
        load_yaml(f)


def test_impossible_date_in_a_list_is_a_data_error(tmp_path: Path) -> None:
    f = tmp_path / "l.yaml"
    f.write_text("- 2025-02-30\n")
    with pytest.raises(DataError, match=r"l\.yaml: YAML value error: day is out of range for month"):
        load_yaml(f)
