"""Entry point mlserve runs: ``python -u worker.py <model dir>`` with the channel on file descriptor 3."""

import os
import sys

sys.path[0] = os.path.dirname(os.path.abspath(__file__))
from mlserve_worker.main import main  # noqa: E402
from mlserve_worker import engine, outputs, protocol, values  # noqa: E402,F401  (loaded before the path changes)

# As uvicorn does for `mlflow models serve` (--app-dir "."): the working directory is importable, this folder is not.
sys.path[0] = os.getcwd()

if __name__ == "__main__":
    sys.exit(main(sys.argv))
