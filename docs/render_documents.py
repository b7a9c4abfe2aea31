"""Render the first page of each PDF case document to PNG for docs/screenshots/.

Usage (from the repository root):

    .venv/bin/python docs/render_documents.py [docs/screenshots]

Drives the test case of tests/document_case.py through the real model on a temporary SQLite
database, makes each PDF with web.documents and converts its first page with ``pdftoppm``
(Debian's poppler-utils; for documentation only, not needed to run or test Samverkan). The Word
decision basis is converted to PDF by LibreOffice (``soffice``, Debian's
libreoffice-writer-nogui) first, when it is installed; otherwise it gets no screenshot.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import reference  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import Samverkan  # noqa: E402
from engine.db import create_schema, make_engine  # noqa: E402
from tests.document_case import finished_case  # noqa: E402
from tests.samverkansstod import Driver  # noqa: E402
from web import documents  # noqa: E402

PAGES = {
    "ansokan": "dokument-ansokan",
    "uppfoljningsrapport-1": "dokument-uppfoljningsrapport",
    "slutrapport": "dokument-slutrapport",
}


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    if shutil.which("pdftoppm") is None:
        sys.exit("pdftoppm saknas: installera Debians poppler-utils (apt-get install poppler-utils).")
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        clock = FixedClock(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
        engine = Samverkan(db=make_engine(f"sqlite:///{directory}/docs.sqlite3"), clock=clock)
        create_schema(engine.db)
        reference.load_example_areas(engine)
        case_id = finished_case(Driver(engine, clock))
        for name, png in PAGES.items():
            pdf = Path(directory) / f"{name}.pdf"
            pdf.write_bytes(documents.build(engine, case_id, name).content)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(target / png)],
                check=True,
            )
            print(target / f"{png}.png")
        if shutil.which("soffice") is not None:
            _decision_basis(engine, case_id, Path(directory), target)
        engine.db.dispose()


def _decision_basis(engine: Samverkan, case_id: int, directory: Path, target: Path) -> None:
    """The DOCX as LibreOffice prints it (what the nämndsekreterare sees in Word, near enough)."""
    docx = directory / "beslutsunderlag.docx"
    docx.write_bytes(documents.build(engine, case_id, "beslutsunderlag").content)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{directory}/lo", "--headless", "--convert-to", "pdf",
         "--outdir", str(directory), str(docx)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    png = target / "dokument-beslutsunderlag"
    pdf = directory / "beslutsunderlag.pdf"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(png)], check=True
    )
    print(f"{png}.png")


if __name__ == "__main__":
    main()
