"""The ProgressSink contract: publishing never fails the job, and events arrive in order."""

from __future__ import annotations

import pytest

from presentai.adapters.progress.local import FanOutProgressSink
from presentai.domain.events import SlideCompleted, StageProgressed
from presentai.ports.progress import ProgressSink
from tests.fakes import RecordingProgressSink


@pytest.fixture(params=["fan-out", "recording"])
def sink(request: pytest.FixtureRequest) -> ProgressSink:
    return {"fan-out": FanOutProgressSink, "recording": RecordingProgressSink}[request.param]()


async def test_publishing_with_nobody_listening_succeeds(sink: ProgressSink) -> None:
    await sink.publish(StageProgressed(job_id="j", stage="parse", done=0, total=1))


async def test_listeners_receive_events_in_order_and_a_broken_one_harms_no_one() -> None:
    sink = FanOutProgressSink()
    seen: list[int] = []

    def broken(event: object) -> None:
        raise RuntimeError("listener bug")

    sink.subscribe(broken)
    unsubscribe = sink.subscribe(lambda e: seen.append(e.slide_number))  # type: ignore[attr-defined]
    for n in (1, 2, 3):
        await sink.publish(SlideCompleted(job_id="j", slide_id="s", slide_number=n, slide_title="t", progress_pct=n))
    unsubscribe()
    await sink.publish(SlideCompleted(job_id="j", slide_id="s", slide_number=4, slide_title="t", progress_pct=4))
    assert seen == [1, 2, 3]
