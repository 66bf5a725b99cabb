"""The wheel installs the design card's folders as chainshock.* subpackages."""

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from support import REPO


def test_wheel_installs_as_one_namespace(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(REPO)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    [wheel] = dist.glob("chainshock-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"chainshock", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
    for needed in (
        "chainshock/graph/schema.py",
        "chainshock/loaders/curated/__init__.py",
        "chainshock/queries/paths.py",
        "chainshock/viz/__init__.py",
        "chainshock/data/README.md",
        "chainshock/data/sources.yaml",
        "chainshock/scenarios/memory-squeeze.yaml",
    ):
        assert needed in names, needed

    # a clean venv holding only the wheel (dependencies borrowed read-only from
    # this interpreter's site-packages, appended after the venv's own)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", purelib, str(wheel)],
                   check=True, timeout=600)
    deps = sysconfig.get_paths()["purelib"]
    (Path(purelib) / "zz_deps.pth").write_text(deps + "\n")
    assert not (Path(purelib) / "graph").exists()
    code = (
        "import chainshock, chainshock.graph.schema, chainshock.loaders.curated, chainshock.queries.paths, "
        "chainshock.viz; import importlib.util as u; "
        "print(chainshock.graph.schema.__file__); print(u.find_spec('graph') is None)"
    )
    out = subprocess.run([str(py), "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path).stdout
    schema_file, no_top_level_graph = out.split()
    assert schema_file.startswith(purelib)
    assert no_top_level_graph == "True"
