"""Progress of long commands (sonla.progress; issue 17, case 10: minutes without a word)."""

from __future__ import annotations

import io
import re

from sonla import pipeline, progress
from sonla.sources import load_sources


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_stages_and_sources_are_shown_on_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    screen = Terminal()
    with progress.reporting("data", stream=screen):
        pipeline.run_stages(load_sources())
    shown = screen.getvalue()
    for number, stage in enumerate(pipeline.STAGES, start=1):
        assert f"data · stage {number}/{len(pipeline.STAGES)} {stage.name}" in shown
    assert re.search(r"stage 2/\d+ claims · source 1/5 \(report\)", shown), shown
    assert "source 5/5 (news-2024)" in shown
    assert shown.endswith("\r")  # the line is cleared at the end


def test_nothing_is_shown_when_not_a_terminal_or_quiet():
    log = io.StringIO()
    with progress.reporting("data", stream=log):
        list(progress.each([1, 2], "source"))
    with progress.reporting("data", enabled=False, stream=Terminal()) as reporter:
        assert reporter is None
    assert log.getvalue() == ""
