"""Headless Chromium for the browser tests and the view benchmark.

Uses Debian's ``chromium`` (installed by ``scripts/ensure-chromium.sh``)
through Playwright; Playwright's own browser download is never used (it
cannot reach its CDN here). The flags keep Chromium from reaching for the
network, which would stall it on refused connections.
"""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM_ARGS", "PageLog", "chromium_executable", "launch", "open_file", "pixel_stats"]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
SKIP_MESSAGE = (
    "headless Chromium is not installed: run `bash scripts/ensure-chromium.sh` "
    "(or `apt-get install chromium`) to run the browser tests"
)


def chromium_executable() -> str | None:
    """Path of Debian's chromium, or None when it is absent."""
    env = os.environ.get("CHAINSHOCK_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@contextmanager
def launch() -> Iterator[Any]:
    """A Playwright Chromium browser (with a fresh temporary profile)."""
    from playwright.sync_api import sync_playwright

    exe = chromium_executable()
    if exe is None:
        raise RuntimeError(SKIP_MESSAGE)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageLog:
    """What a page did that a test may object to."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def open_file(
    browser: Any, path: Path, *, width: int = 1400, height: int = 900, timeout_ms: float | None = None
) -> tuple[Any, PageLog]:
    """Open ``path`` from disk (file://); ``timeout_ms`` bounds the page load (Playwright's default: 30 s).

    The page's Content-Security-Policy is bypassed: Playwright's polling
    needs ``eval``, and the escaping tests must prove the page safe by its
    escaping alone, not by the CSP that backs it up.
    """
    page = browser.new_page(viewport={"width": width, "height": height}, bypass_csp=True)
    log = PageLog()
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))

    def on_dialog(dialog: Any) -> None:
        log.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda r: log.requests.append(r.url))
    try:
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=timeout_ms)
    except Exception:
        page.close()
        raise
    return page, log


def pixel_stats(browser: Any, png: bytes) -> dict[str, float]:
    """Mean and variance of a PNG's grey levels, decoded by the browser itself."""
    page = browser.new_page()
    try:
        return page.evaluate(  # type: ignore[no-any-return]
            """async (b64) => {
                const img = new Image();
                img.src = "data:image/png;base64," + b64;
                await img.decode();
                const c = document.createElement("canvas");
                c.width = img.width; c.height = img.height;
                const ctx = c.getContext("2d");
                ctx.drawImage(img, 0, 0);
                const d = ctx.getImageData(0, 0, c.width, c.height).data;
                let n = 0, sum = 0, sq = 0, distinct = new Set();
                for (let i = 0; i < d.length; i += 16) {
                    const g = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
                    n++; sum += g; sq += g * g;
                    if (distinct.size < 5000) distinct.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
                }
                const mean = sum / n;
                return {mean: mean, variance: sq / n - mean * mean, colours: distinct.size, width: c.width, height: c.height};
            }""",
            base64.b64encode(png).decode(),
        )
    finally:
        page.close()
