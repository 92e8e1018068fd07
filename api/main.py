"""The ASGI application object for ``uvicorn api.main:app`` (settings from ``CUOMIN_*``)."""

from api.app import create_app

app = create_app()
