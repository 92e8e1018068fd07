"""The ASGI application object for ``uvicorn api.main:app`` (settings from ``CUOMIN_*``)."""

from api.app import create_app

app = create_app(settle=True)  # a long-lived server process: freeze the loaded rule data after warm-up
