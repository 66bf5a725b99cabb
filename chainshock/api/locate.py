"""Where the graph is (:func:`find_home`), and :func:`open`, which opens it as a :class:`~chainshock.api.graph.Graph`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from chainshock.errors import SnapshotError

from .graph import Graph

# --------------------------------------------------------------------------- finding the graph


def find_home(home: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> tuple[Path, str]:
    """The chainshock home to use and why (``(path, how_it_was_found)``).

    ``home`` may be a home folder or a snapshot folder (one holding
    ``manifest.json``); the snapshot is always ``<home>/graph``.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / ".chainshock" / "graph").mkdir(parents=True)
    >>> _ = (root / ".chainshock" / "graph" / "manifest.json").write_text("{}")
    >>> (root / "notebooks").mkdir()
    >>> env = os.environ.pop("CHAINSHOCK_HOME", None)
    >>> path, how = find_home(cwd=root / "notebooks")
    >>> path == root / ".chainshock", how
    (True, 'the nearest .chainshock/ above the working folder')
    >>> if env is not None: os.environ["CHAINSHOCK_HOME"] = env
    """
    if home is not None:
        path = Path(home).expanduser().resolve()
        if (path / "manifest.json").is_file() and path.name == "graph":
            path = path.parent
        return path, "given"
    env = os.environ.get("CHAINSHOCK_HOME")
    if env:
        return Path(env).expanduser().resolve(), "$CHAINSHOCK_HOME"
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".chainshock" / "graph" / "manifest.json").is_file():
            how = "./.chainshock" if folder == here else "the nearest .chainshock/ above the working folder"
            return folder / ".chainshock", how
    import platformdirs

    return Path(platformdirs.user_data_dir("chainshock", appauthor=False)), "the user data folder"


def open(
    home: str | os.PathLike[str] | None = None, *, build: bool = False, quiet: bool = False
) -> Graph:
    """Open the graph (see :func:`find_home` for where it is looked for).

    Parameters
    ----------
    home : path, optional
        A chainshock home (holding ``graph/``) or a snapshot folder.
    build : bool
        When no graph is there yet, build the bundled, cited dataset there
        (about a second) instead of raising.
    quiet : bool
        Do not print where the graph was found (one line on stderr).

    Raises
    ------
    SnapshotError
        No graph at the chosen place; the message names it and the fix.
    """
    from chainshock.graph.snapshot import read_snapshot

    path, how = find_home(home)
    graph_dir = path / "graph"
    if not (graph_dir / "manifest.json").is_file():
        if not build:
            looked = (
                f"{graph_dir} ({how})"
                if how in ("given", "$CHAINSHOCK_HOME")
                else f"$CHAINSHOCK_HOME (unset), .chainshock/ in {Path.cwd()} and above, and {graph_dir}"
            )
            raise SnapshotError(
                f"no chainshock graph found; looked in {looked}. Run `chainshock build` in your project "
                "folder, or chainshock.open(build=True) to build the bundled dataset there"
            )
        from chainshock.build import build as run_build
        from chainshock.data import data_dir

        run_build(graph_dir, data_dir())
    snapshot = read_snapshot(graph_dir)
    g = Graph(snapshot=snapshot, home=path, found=how)
    if not quiet:
        print(f"chainshock: graph {snapshot.content_hash[:12]} at {graph_dir} ({how})", file=sys.stderr)
    return g


# --------------------------------------------------------------------------- small helpers
