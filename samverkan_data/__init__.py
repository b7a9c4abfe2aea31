"""What the product ships besides code: the bundled process models and their task forms.

They live inside a package so an installed wheel has them too (``samverkan init`` deploys
every ``bpmn/*.bpmn``; each user task's form is ``forms/<task id>.json``).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
BPMN_DIR = HERE / "bpmn"
"""The bundled BPMN models and, next to each, its process profile (``<process_id>.toml``)."""
FORMS_DIR = HERE / "forms"
"""One JSON Schema per user task, named after the task's BPMN id."""
MAIN_MODEL = BPMN_DIR / "samverkansstod.bpmn"
"""The samverkansstöd process, the product's main process."""
