"""Needs the pipeline change: Settings(llm_timeout_s=...) reaches every stage; planner="llm" stops the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_llm_time_limit import LIMIT, _quick, sleeping

from hugginggpt_tools import create_hugginggpt_agent
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import LLMTimeoutError


def test_the_settings_limit_reaches_every_stage_and_planner_llm_stops_the_run(tmp_path: Path) -> None:
    settings = Settings(output_dir=tmp_path / "out", llm_timeout_s=LIMIT)
    agent = create_hugginggpt_agent(sleeping(), planner="llm", settings=settings)
    with pytest.raises(LLMTimeoutError, match="did not answer within 0.3 s while planning the request") as error:
        _quick(lambda: agent.invoke("Summarize this text: a long story about cats."))
    # how to plan without it, as any other LLM failure while planning says
    assert str(error.value).endswith("--planner auto, --planner offline).") and error.value.timeout_s == LIMIT
