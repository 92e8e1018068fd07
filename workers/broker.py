"""Broker set-up: Redis (default for workers), RabbitMQ, or embedded (in-process, no server).

``CUOMIN_BROKER`` (or the ``url`` argument) picks it:
``redis://host:6379/0`` · ``amqp://guest:guest@host:5672/`` · ``embedded``.
``configure`` must run before :mod:`workers.actors` is imported (actors bind to
the global broker when they are declared); ``cuomin scan``/``worker`` do that.
"""

from __future__ import annotations

import os

import dramatiq
from dramatiq.brokers.stub import StubBroker

DEFAULT_WORKER_BROKER = "redis://127.0.0.1:6379/0"
_configured: str | None = None


def broker_url(url: str | None = None, default: str = DEFAULT_WORKER_BROKER) -> str:
    return url or os.environ.get("CUOMIN_BROKER") or default


def configure(url: str | None = None, default: str = DEFAULT_WORKER_BROKER) -> dramatiq.Broker:
    """Create the broker for ``url`` with cuomin's middleware and make it dramatiq's global broker."""
    global _configured
    url = broker_url(url, default)
    if _configured is not None:
        if _configured != url:
            raise RuntimeError(f"broker already configured as {_configured!r}")
        return dramatiq.get_broker()
    from workers.middleware import cuomin_middleware

    if url in ("embedded", "stub", "memory"):
        broker: dramatiq.Broker = StubBroker()
    elif url.startswith(("redis://", "rediss://", "unix://")):
        from dramatiq.brokers.redis import RedisBroker

        broker = RedisBroker(url=url, namespace=os.environ.get("CUOMIN_QUEUE_NAMESPACE", "cuomin"),
                             heartbeat_timeout=int(os.environ.get("CUOMIN_HEARTBEAT_MS", "15000")),
                             maintenance_chance=int(os.environ.get("CUOMIN_MAINTENANCE_CHANCE", "20000")))
    elif url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        broker = RabbitmqBroker(url=url)
    else:
        raise ValueError(f"unsupported broker {url!r}: use redis://, amqp:// or embedded")
    for mw in cuomin_middleware():
        broker.add_middleware(mw)
    dramatiq.set_broker(broker)
    _configured = url
    os.environ["CUOMIN_BROKER"] = url  # child processes (dramatiq's --processes) agree
    return broker


def is_embedded() -> bool:
    return isinstance(dramatiq.get_broker(), StubBroker)
