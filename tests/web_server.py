"""A live portal for tests: uvicorn on a free 127.0.0.1 port in a thread, over a store holding the sample."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import uvicorn

from zixun import pipeline
from zixun.settings import Settings
from zixun.store import open_store
from zixun.web.app import create_app
from zixun.web.server import UVICORN_OPTIONS

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "zixun" / "data" / "sample.jsonl"
SEED_PAGE = ROOT / "zixun" / "data" / "seed_page.txt"
# the sample's synthesized dates run 2018-10-20 .. 2018-11-15 (Asia/Shanghai); tests live the day after
SAMPLE_END = datetime(2018, 11, 16, 0, 0, tzinfo=timezone(timedelta(hours=8)))


class FakeClock:
    """The only fake besides the outside network: a clock tests set and move."""

    def __init__(self, now: datetime = SAMPLE_END):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def fill_store(url: str, extra: list[Path] = ()) -> None:
    """Ingest the bundled sample and the seed page (and extra files) into the store at url."""
    engine = open_store(url)
    try:
        settings = Settings(database_url=url, ingest_workers=1)
        summary = pipeline.ingest_paths(engine, [SAMPLE, SEED_PAGE, *extra], settings)
        assert not summary.failed, summary.failed
    finally:
        engine.dispose()


class LiveServer:
    """uvicorn serving create_app(settings, clock) until stopped; .url is its base URL."""

    def __init__(self, settings: Settings, clock=None):
        self.app = create_app(settings, clock)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="on", **UVICORN_OPTIONS
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = ""

    def start(self) -> LiveServer:
        """Start serving and wait until the port answers."""
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        """Stop serving (pending page views are written first by the app's shutdown)."""
        self.server.should_exit = True
        self.thread.join(timeout=30)


@contextmanager
def live_server(settings: Settings, clock=None):
    """A started LiveServer and an httpx client on it, stopped afterwards."""
    server = LiveServer(settings, clock).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30, follow_redirects=False) as client:
            yield server, client
    finally:
        server.stop()
