"""One place that reads the environment (django-environ).

A ``.env`` file at the project root is read when present; real environment variables
win over it. ``.env.example`` documents every variable.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
