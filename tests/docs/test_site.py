"""The documentation site as a reader sees it: built with `mkdocs build --strict` (a warning
fails the build), served over HTTP, and read in headless Chromium (Debian's chromium and
chromium-driver, which tests/run.sh installs), which follows every link between its pages and
takes screenshots of three of them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit
from urllib.request import urlopen

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# The pages photographed, as a reader would look at them first.
SCREENSHOTS = {"home": "", "tutorial": "tutorial/", "spec-reference": "reference/spec/"}


@dataclass
class Served:
    """The built site on a local port, and the status of every path it was asked for."""

    root: str
    statuses: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert build.returncode == 0, build.stderr[-5000:]
    served: dict[str, int] = {}

    class Handler(SimpleHTTPRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            served[urlsplit(self.path).path] = int(code)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}/", served)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), (
        "Debian's chromium and chromium-driver are missing: bash tests/run.sh installs them"
    )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,1000")
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def test_every_page_linked_from_the_site_opens_with_its_anchors(
    site: Served, browser: webdriver.Chrome
) -> None:
    """From the home page, every link to another page of the site is followed: each answers
    200 and shows a title and a heading, and each `#anchor` a link names is on its page."""
    pending, seen = [site.root], {site.root}
    ids: dict[str, set[str]] = {}  # page -> the ids of its elements, where anchors point
    anchors: dict[str, set[str]] = {}  # page -> the anchors links name on it
    while pending:
        page = pending.pop()
        ids[page] = _visit(browser, site, page)
        for href in browser.execute_script(
            "return [...document.querySelectorAll('a[href]')].map(a => a.href)"
        ):
            target, anchor = urldefrag(href)
            if not target.startswith(site.root):
                continue
            if anchor:
                anchors.setdefault(target, set()).add(anchor)
            if target not in seen:
                seen.add(target)
                if target.endswith("/"):
                    pending.append(target)
                else:  # a file the pages link to (the JSON Schema, say): it must be there
                    with urlopen(target) as answer:
                        assert answer.status == 200, target
    pages = [url for url in seen if url.endswith("/")]
    assert len(pages) >= 25, sorted(pages)  # every page in the nav, at least
    missing = []
    for page, names in sorted(anchors.items()):
        if page not in ids:
            ids[page] = _visit(browser, site, page)
        missing += [f"{page}#{name}" for name in sorted(names - ids[page])]
    assert missing == []


def _visit(browser: webdriver.Chrome, site: Served, page: str) -> set[str]:
    """Open a page as a reader would: it must answer 200 and show a title and a heading.
    Returns the ids its anchors can name."""
    browser.get(page)
    assert site.statuses.get(urlsplit(page).path) == 200, page
    heading = browser.execute_script(
        "const h = document.querySelector('article h1'); return h && h.textContent"
    )
    assert browser.title and heading, f"{page} shows no title or heading"
    return set(
        browser.execute_script("return [...document.querySelectorAll('[id]')].map(e => e.id)")
    )


@pytest.mark.parametrize("name", sorted(SCREENSHOTS))
def test_screenshot(
    name: str, site: Served, browser: webdriver.Chrome, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A screenshot of the page as Chromium draws it: a real picture, not a blank one."""
    browser.get(site.root + SCREENSHOTS[name])
    path = tmp_path_factory.mktemp("screenshots") / f"{name}.png"
    assert browser.save_screenshot(str(path))
    with Image.open(path) as picture:
        assert picture.width >= 1000 and picture.height >= 600, picture.size
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 16)
    # A blank or half-drawn page has a handful of colours; text, code and the header, hundreds.
    assert colours is None or len(colours) > 100, f"{path} looks blank"


def test_every_section_of_the_readme_is_on_a_page_of_the_site() -> None:
    """The guide's pages are README.md's sections (docs/hooks/pages.py): a new section must be
    given a page, or readers of the site never see it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    fences = re.compile(r"^```.*?^```", re.M | re.S)
    sections = set(re.findall(r"^## (.+)$", fences.sub("", readme), re.M))
    pages = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    shown = set(re.findall(r"^<!-- README: ## (.+?)(?: as #+)? -->$", pages, re.M))
    assert sections - shown == set(), (
        "give each section a page: docs/guide/<name>.md holding `<!-- README: ## <section> -->`, "
        "listed in mkdocs.yml's nav"
    )
