"""Settings of the bare baseline project (DATABASE_URL and SECRET_KEY from the environment)."""

import environ

env = environ.Env()

SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bench.bare"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "bench.bare.urls"
WSGI_APPLICATION = "bench.bare.wsgi.application"
DATABASES = {"default": env.db("DATABASE_URL")}
# The service's connection handling (cme/settings.py), so that the comparison is like for like.
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "America/New_York"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
