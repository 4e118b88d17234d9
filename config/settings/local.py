"""Local development: DEBUG on by default.

Honours DATABASE_URL, DJANGO_DEBUG and DJANGO_ALLOWED_HOSTS like every environment.
"""

from config.env import env

from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)
