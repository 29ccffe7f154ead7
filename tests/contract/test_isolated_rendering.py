"""Rendering in a child process: what its memory and time budgets do, and a shutdown that kills it."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from attrs import evolve

from presentai.adapters.children import ChildProcesses
from presentai.adapters.pptx.isolated import IsolatedDeckRenderer
from presentai.domain.errors import RenderError
from tests.contract.test_deck_renderer_contract import deck
from tests.waiting import DEADLINE_S, wait_until


def _child_address_space() -> int:
    """The address space of a child that has imported the renderer (what it holds before any deck)."""
    probe = "import presentai.adapters.pptx.designed; print(open('/proc/self/status').read())"
    status = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=True, text=True).stdout
    (line,) = [line for line in status.splitlines() if line.startswith("VmSize:")]
    return int(line.split()[1]) * 1024


def test_a_deck_needing_more_memory_than_the_budget_fails_with_a_render_error() -> None:
    budget = _child_address_space() + 32 * 2**20
    renderer = IsolatedDeckRenderer(children=ChildProcesses(), memory_bytes=budget)
    small = deck()
    huge = evolve(small, slides=(evolve(small.slides[0], notes="n" * 200 * 2**20), *small.slides[1:]))
    with pytest.raises(RenderError, match=f"more than {budget // 2**20} MB"):
        renderer.render(huge)
    assert renderer.render(small)[:2] == b"PK"  # the same budget renders a deck of a normal size


def test_a_render_past_its_time_budget_is_killed() -> None:
    children = ChildProcesses()
    renderer = IsolatedDeckRenderer(children=children, timeout_s=0.001)  # less than an interpreter needs to start
    with pytest.raises(RenderError, match="longer than"):
        renderer.render(deck())
    assert children.running == 0


def test_stopping_the_service_kills_a_running_render_and_refuses_new_ones() -> None:
    children = ChildProcesses()
    renderer = IsolatedDeckRenderer(children=children)
    failures: list[BaseException] = []

    def render() -> None:
        try:
            renderer.render(deck(bullets_per_slide=40))
        except RenderError as error:
            failures.append(error)

    worker = threading.Thread(target=render)
    worker.start()
    wait_until(lambda: children.running == 1, "the render's child process starting")
    assert children.stop_all() == 1
    worker.join(DEADLINE_S)
    assert not worker.is_alive()
    assert [str(f) for f in failures] == ["the export was stopped because the service is stopping"]
    with pytest.raises(RenderError, match="stopping"):
        renderer.render(deck())


def test_the_service_side_of_the_isolated_renderer_never_imports_python_pptx() -> None:
    # The first export would otherwise import python-pptx on the service's event loop (about 0.1 s stalled).
    probe = "import sys, presentai.adapters.pptx.isolated; print('pptx' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"
