"""The names a resource rename rewrites in the user's code, and those it leaves alone."""

from __future__ import annotations

import libcst as cst

from persistgen.carry import ResourceRename, pending
from persistgen.carry_code import Renamer
from persistgen.spec.validate import read_spec_text

RENAME = ResourceRename("Book", "Volume", enums=("status",))


def rewrite(source: str, path: str = "library/api/custom.py") -> str:
    package = ".".join(path.split("/")[:-1])
    renamer = Renamer(RENAME.names(), RENAME.modules("library"), package)
    return cst.parse_module(source).visit(renamer).code


def test_classes_and_module_paths_in_imports_and_code() -> None:
    source = (
        "import library.models.book\n"
        "from library.enums import BookStatus\n"
        "from library.repositories.book import BookRepository as Books\n"
        "from library.schemas.generated.book import BookCreateBase, BookQuery\n"
        "x: library.models.book.Book = library.models.book.Book(status=BookStatus.OUT)\n"
    )

    assert rewrite(source) == (
        "import library.models.volume\n"
        "from library.enums import VolumeStatus\n"
        "from library.repositories.volume import VolumeRepository as Books\n"
        "from library.schemas.generated.volume import VolumeCreateBase, VolumeQuery\n"
        "x: library.models.volume.Volume = library.models.volume.Volume(status=VolumeStatus.OUT)\n"
    )


def test_strings_comments_and_other_names_stay() -> None:
    source = (
        "# Book and BookRepository: words in a comment\n"
        "def book_titles(book: BookShelf) -> str:\n"
        '    """Every Book."""\n'
        '    return f"{book.name} Book library.models.book" + "BookRead"\n'
    )

    assert rewrite(source) == source


def test_an_imported_module_keeps_its_local_name() -> None:
    source = "from library.models import book\n\nrow: book.Book\n"

    assert rewrite(source) == "from library.models import volume as book\n\nrow: book.Volume\n"


def test_relative_imports_resolve_from_the_files_package() -> None:
    source = "from ..models.book import Book\nfrom . import book\nfrom .book import BookRead\n"

    assert rewrite(source, "library/schemas/extra.py") == (
        "from ..models.volume import Volume\n"
        "from . import volume as book\n"
        "from .volume import VolumeRead\n"
    )


def test_a_rename_is_pending_once_the_old_model_was_generated() -> None:
    spec = read_spec_text(
        "version: 1\nproject: {name: library}\nresources:\n"
        "  Volume:\n    renamed_from: Book\n    fields: {status: {type: enum, values: [a]}}\n"
    )

    assert pending(spec, {"library/models/book.py": "x"}) == [RENAME]
    assert pending(spec, {"library/models/book.py": "x", "library/models/volume.py": "y"}) == []
    assert pending(spec, {}) == []
