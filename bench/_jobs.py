"""What the benchmarks of background jobs share (bench/exports.py, bench/rule_review.py): a Celery broker of the
run's own (Redis; no worker listens: a request only sends its task, which the bench then applies in its own
process as a worker runs it), and requests timed alternately with the anchor."""

from __future__ import annotations

import os
import statistics
import time

DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/13"
ANCHOR_URL = "/healthz/"


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def use_broker(url: str, queue: str, bench: str) -> None:
    """Send the tasks to the Redis at `url`, on a queue of this run's own; stop, saying so, without a Redis.
    Call it before Django is set up."""
    import redis

    try:
        with redis.Redis.from_url(url, socket_connect_timeout=2) as server:
            server.ping()
    except redis.RedisError as exc:
        raise SystemExit(f"{bench} needs a Redis at {url} (--broker-url): {exc}") from None
    os.environ["CELERY_BROKER_URL"] = url
    os.environ["CELERY_RESULT_BACKEND"] = url
    os.environ["CELERY_QUEUE"] = queue  # this run's own queue, emptied at the end


def empty_queue(url: str, queue: str) -> None:
    """Remove the tasks sent and never run: the queue and kombu's bindings of it."""
    import redis

    with redis.Redis.from_url(url, socket_connect_timeout=2) as server:
        for key in server.scan_iter(match=f"*{queue}*"):
            server.delete(key)


def alternated(client, method: str, path: str, runs: int) -> tuple[float, float]:
    """(median ms of `path`, median ms of the anchor), each request alternated with the anchor's."""
    page, anchor = [], []
    for _ in range(runs):
        for url, times, call in ((ANCHOR_URL, anchor, client.get), (path, page, getattr(client, method))):
            start = time.perf_counter()
            response = call(url)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code not in (200, 302):
                raise SystemExit(f"{url}: HTTP {response.status_code}")
    return statistics.median(page), statistics.median(anchor)
