"""`make bench`: run every benchmark script under bench/ in turn; each prints its own table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in sorted(HERE.glob("*.py")):
    if script.name in ("run_all.py", "__init__.py"):
        continue
    print(f"\n== {script.stem} ==", flush=True)
    subprocess.run([sys.executable, str(script)], check=True)
