"""Contract tests generated from the OpenAPI spec by schemathesis: every operation, a few generated
requests each (authenticated with a site-scoped API key); responses must use documented status codes
and match their schemas, and no request may produce a server error."""

import tempfile
from pathlib import Path

import schemathesis
from api_helpers import create_app_for, seed, sqlite_db
from hypothesis import HealthCheck, settings

_DB = sqlite_db(Path(tempfile.mkdtemp(prefix="cuomin-contract-")) / "contract.db")
_KEYS = seed(_DB)
APP = create_app_for(_DB, detectors=())  # the contract, not the detectors, is under test here

# Small and fast: the explicit examples and a few generated cases per operation (no coverage sweep).
CONFIG = schemathesis.config.SchemathesisConfig.from_str("""
[phases.coverage]
enabled = false
[phases.stateful]
enabled = false
""")
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@schema.parametrize()
@settings(max_examples=2, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_operations_follow_the_spec(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {_KEYS.key}"})
