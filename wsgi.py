"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``. Only calls the factory."""
from app import create_app

app = create_app()
