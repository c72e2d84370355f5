"""The admin page (`project.admin`) as a person uses it: the feature case's project served by
uvicorn on SQLite and on PostgreSQL, driven in Debian's headless Chromium through its
chromedriver (selenium is pointed at them: it downloads no browser). Signing in, lists, search
and filters, forms whose edits reach the database, soft deletes, and the read-only and
write-only fields kept where they belong."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from persistgen.spec.validate import read_spec
from tests.conftest import ROOT
from tests.feature_cases import FEATURES
from tests.generated.project import generated, run, run_script, served
from tests.postgres import fresh_database

PASSWORD = "correct horse battery staple"
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")


@contextmanager
def database(kind: str, project: Path) -> Iterator[str]:
    """An empty database of that kind for the project: its URL."""
    if kind == "postgres":
        with fresh_database(f"pga_admin_{os.getpid()}") as url:
            yield url
    else:
        yield f"sqlite+aiosqlite:///{project / 'library.db'}"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """The served admin case, migrated, with one author made through the API: its base URL
    and its database's."""
    spec = (FEATURES / "admin" / "persistgen.yaml").read_text(encoding="utf-8")
    project = generated(tmp_path_factory.mktemp("admin") / "library", spec)
    with database(request.param, project) as url, pytest.MonkeyPatch.context() as patch:
        run(project, "alembic", "upgrade", "head", database_url=url)
        patch.setenv("ADMIN_PASSWORD", PASSWORD)
        with served(project, url) as base:
            made = httpx.post(
                f"{base}/authors", json={"name": "Ursula", "api_token": "s3cret-token"}
            )
            assert made.status_code == 201, made.text
            yield base, url


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    """The rows `sql` finds in the database at `url` (committed)."""

    async def rows() -> list[tuple[Any, ...]]:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                return [tuple(row) for row in await connection.execute(text(sql))]
        finally:
            await engine.dispose()

    return asyncio.run(rows())


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    assert CHROMIUM and CHROMEDRIVER, "Debian's chromium and chromium-driver: tests/run.sh"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    arguments = (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,1024",
    )
    for argument in arguments:
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def sign_in(browser: webdriver.Chrome, base: str, password: str) -> None:
    browser.get(f"{base}/admin/login")
    browser.find_element(By.NAME, "username").send_keys("admin")
    browser.find_element(By.NAME, "password").send_keys(password)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def submit(browser: webdriver.Chrome, button: WebElement) -> None:
    """Click a form's button and wait for the page it leads to."""
    button.click()
    WebDriverWait(browser, 10).until(lambda _: _replaced(button))


def _replaced(element: WebElement) -> bool:
    """Whether `element`'s page has gone. Chromedriver says so as a stale element or, while the
    next page replaces it, as an inspector error about a node outside the document."""
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" not in (error.msg or ""):
            raise
        return True
    return False


def test_a_request_without_signing_in_goes_to_the_login_page(
    site: tuple[str, str], browser: webdriver.Chrome
) -> None:
    base, _ = site
    browser.delete_all_cookies()
    browser.get(f"{base}/admin/author/list")
    assert browser.current_url.startswith(f"{base}/admin/login")
    sign_in(browser, base, "not the password")
    assert browser.current_url.startswith(f"{base}/admin/login")
    assert "Ursula" not in browser.page_source


def test_signed_in_a_row_is_listed_edited_and_saved_to_the_database(
    site: tuple[str, str], browser: webdriver.Chrome
) -> None:
    base, database = site
    sign_in(browser, base, PASSWORD)
    browser.get(f"{base}/admin/author/list")
    assert "Ursula" in browser.page_source
    assert "s3cret-token" not in browser.page_source  # write-only: never shown
    browser.get(f"{base}/admin/author/edit/1")
    assert not browser.find_elements(By.NAME, "joined_at")  # read-only: not in the form
    assert not browser.find_elements(By.NAME, "api_token")  # write-only: set on create only
    name = browser.find_element(By.NAME, "name")
    name.clear()
    name.send_keys("Ursula K. Le Guin")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit][value=Save]"))
    assert browser.current_url.startswith(f"{base}/admin/author/list")
    rows = query(database, "SELECT name, api_token FROM authors")
    assert rows == [("Ursula K. Le Guin", "s3cret-token")]


def test_signed_in_rows_are_searched_filtered_created_and_soft_deleted(
    site: tuple[str, str], browser: webdriver.Chrome
) -> None:
    base, database = site
    sign_in(browser, base, PASSWORD)
    browser.get(f"{base}/admin/author/create")
    assert browser.find_elements(By.NAME, "api_token")  # write-only: set on create
    for name, value in {"name": "Octavia", "api_token": "other-token"}.items():
        browser.find_element(By.NAME, name).send_keys(value)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit][value=Save]"))
    browser.get(f"{base}/admin/author/list?search=octa")
    assert "Octavia" in browser.page_source
    assert "Ursula" not in browser.page_source
    browser.get(f"{base}/admin/author/list?active=false")
    assert "Octavia" not in browser.page_source
    ((octavia,),) = query(database, "SELECT id FROM authors WHERE name = 'Octavia'")
    query(database, f"UPDATE authors SET active = false WHERE id = {octavia} RETURNING id")
    browser.get(f"{base}/admin/author/list?active=false")
    assert "Octavia" in browser.page_source

    browser.get(f"{base}/admin/book/create")
    fields = {"isbn": "9780441478125", "title": "The Left Hand", "author_id": str(octavia)}
    for name, value in fields.items():
        browser.find_element(By.NAME, name).send_keys(value)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit][value=Save]"))
    # What the list's delete button sends, with this browser's session.
    status = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"fetch('{base}/admin/book/delete?pks=9780441478125', {{method: 'DELETE'}})"
        ".then(r => done(r.status));"
    )
    assert status == 200
    rows = query(database, "SELECT title, deleted_at IS NOT NULL FROM books")
    assert [(title, bool(deleted)) for title, deleted in rows] == [("The Left Hand", True)]


FORMS = """
import asyncio
from fastapi import FastAPI
from every_option import admin

async def main() -> None:
    views = admin.install(FastAPI()).views
    for view in views:
        for rules in (view._form_create_rules, view._form_edit_rules):
            await view.scaffold_form(rules)
    print(len(views))

asyncio.run(main())
"""


def test_every_type_has_a_form_field(tmp_path: Path) -> None:
    """Every field type of every_option.yaml gets a field in the admin's forms (sqladmin
    refuses a view whose column type it has no converter for, when the form is first built)."""
    spec = (ROOT / "tests" / "cases" / "good" / "every_option.yaml").read_text(encoding="utf-8")
    project = generated(tmp_path / "every_option", spec)
    (count,) = run_script(project, FORMS, database_url="sqlite+aiosqlite://")
    assert int(count) == len(
        read_spec(ROOT / "tests" / "cases" / "good" / "every_option.yaml").resources
    )
