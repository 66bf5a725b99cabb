import pytest
from support import MINI

from chainshock.build import build
from chainshock.errors import NotFoundError
from chainshock.graph.lookup import resolve_node
from chainshock.graph.names import lookup_key
from chainshock.graph.snapshot import read_snapshot


@pytest.fixture(scope="module")
def snap(tmp_path_factory):
    path = tmp_path_factory.mktemp("lookup") / "graph"
    build(path, MINI)
    return read_snapshot(path)


@pytest.mark.parametrize(
    "text",
    ["company:nvidia", "nvidia", "NVDA", "nvda", "1045810", "0001045810", "NVIDIA Corporation", "Nvidia Corp."],
)
def test_resolves_ids_tickers_ciks_names_aliases(snap, text):
    assert resolve_node(snap, text) == "company:nvidia"


def test_resolves_exchange_ticker_and_substring(snap):
    assert resolve_node(snap, "000660") == "company:sk-hynix"
    assert resolve_node(snap, "hynix") == "company:sk-hynix"


def test_unknown_name_suggests(snap):
    with pytest.raises(NotFoundError, match=r"no company matches 'nvdia'; did you mean"):
        resolve_node(snap, "nvdia")


def test_label_filter(snap):
    with pytest.raises(NotFoundError):
        resolve_node(snap, "product:hbm", labels=["Company"])
    assert resolve_node(snap, "HBM", labels=["Product"]) == "product:hbm"


def test_lookup_key_is_loose():
    assert lookup_key("Taiwan Semiconductor Manufacturing Company Limited") == "taiwan semiconductor manufacturing"
