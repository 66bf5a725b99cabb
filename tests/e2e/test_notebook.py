"""docs/examples/tour.ipynb runs top to bottom on a real kernel (nbclient + ipykernel)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import REPO

NOTEBOOK = REPO / "docs" / "examples" / "tour.ipynb"


def test_tour_notebook_runs(built_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("CHAINSHOCK_HOME", str(built_home))  # the kernel inherits it
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o.data["text/html"] for o in outputs if o.output_type == "execute_result" and "text/html" in o.data]
    assert any(h.startswith("<iframe srcdoc=") for h in html), "the view is shown inline"
    assert any("memory-squeeze" in h and "<table>" in h for h in html), "the shock shows its summary"
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert f"at {built_home}" in text and "$CHAINSHOCK_HOME" in text  # says where the graph was found
