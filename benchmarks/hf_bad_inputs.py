"""Time ``lccost import-hf`` on issue 11's bad config.json inputs against a one-second budget.

Run on demand (pytest does not collect it): ``python benchmarks/hf_bad_inputs.py [--strict]``.
Each case is a fresh subprocess (interpreter start included); each must exit 1 with one line per
problem, within ``BUDGET_S`` wall seconds and without reading more than the size cap (a FIFO
nobody writes to and /dev/zero would block or grow forever if they were read). ``--strict``
exits 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 1.0

CASES: dict[str, str] = {
    "duplicate key": '{"model_type": "llama", "hidden_size": 4096, "hidden_size": 2048}',
    "wrong types": '{"model_type": "llama", "hidden_size": "4096", "num_hidden_layers": 2.5}',
    "text_config 0": '{"model_type": "gemma4", "text_config": 0}',
    "past 2^63 - 1": '{"model_type": "llama", "hidden_size": ' + str(10**30) + "}",
    "gating nonsense": '{"model_type": "laguna", "gating": "nonsense"}',
    "10^8 layers": '{"model_type": "llama", "num_hidden_layers": 100000000}',
    "misspelt fields": '{"model_type": "llama", "num_hiden_layers": 4}',
    "100k [": "[" * 100_000,
    "over the size cap": json.dumps({"model_type": "llama", "x": "a" * 5_000_000}),
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    lccost = str(Path(sys.executable).with_name("lccost"))
    missed = 0
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for name, text in CASES.items():
            path = Path(folder) / f"{len(paths)}.json"
            path.write_text(text)
            paths[name] = str(path)
        fifo = Path(folder) / "fifo.json"
        os.mkfifo(fifo)
        paths["FIFO"] = str(fifo)
        paths["/dev/zero"] = "/dev/zero"
        for name, path in paths.items():
            start = time.perf_counter()
            done = subprocess.run(
                [lccost, "import-hf", path], capture_output=True, text=True, timeout=30
            )
            wall = time.perf_counter() - start
            ok = done.returncode == 1 and "Traceback" not in done.stderr and wall <= BUDGET_S
            missed += not ok
            first = done.stderr.splitlines()[0][:90] if done.stderr else ""
            print(
                f"{name:18} exit {done.returncode}  {wall:5.2f} s  {'ok' if ok else 'MISSED'}"
                f"  {first}"
            )
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
