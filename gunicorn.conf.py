"""gunicorn settings for production: ``.venv/bin/gunicorn wsgi:app`` reads this file.

Behind the reverse proxy of the README (nginx terminating TLS, ``PROXY_COUNT=1``).
"""
import multiprocessing
import os

import gunicorn.http.wsgi

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2 + 1)))
timeout = 60
# Requests larger than this never reach the app (MAX_CONTENT_LENGTH refuses bodies).
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"

# No software banner: the Server header names neither gunicorn nor a version.
gunicorn.http.wsgi.SERVER = "JieBang"
