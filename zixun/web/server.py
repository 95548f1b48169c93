"""Running the portal with uvicorn (uvloop + httptools): one process, or N workers sharing the port."""

from __future__ import annotations

import json
import os

import uvicorn

from zixun.settings import Settings
from zixun.web.app import create_app


def _export(settings: Settings) -> None:
    # worker processes build their own Settings from the environment; hand them this one's values
    for name, value in settings.model_dump(mode="json", exclude_defaults=True).items():
        os.environ[f"ZIXUN_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)


# every server of the portal: request.client is the real peer, because uvicorn's own X-Forwarded-For
# handling would trust any loopback peer; the app reads forwarded addresses from ZIXUN_TRUSTED_PROXIES only
UVICORN_OPTIONS = dict(proxy_headers=False, server_header=False)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve the portal on host:port until interrupted."""
    options = dict(
        host=host, port=port, log_level="info", access_log=False, loop="uvloop", http="httptools", **UVICORN_OPTIONS
    )
    if workers <= 1:
        uvicorn.run(create_app(settings), **options)
        return
    _export(settings)
    uvicorn.run("zixun.web.app:app_from_environment", factory=True, workers=workers, **options)
