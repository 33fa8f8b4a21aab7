"""`cuba62 play`: a whole game from --choices, the interactive prompts, the HTML debrief, and one
clear line for every bad input."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from sim import cli, play
from sim.debrief import debrief
from sim.params import defaults


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_choices_mode_prints_the_engines_debrief(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "play", "--choices", "21:restraint,27:thor,30:alert", "-n", "400")
    assert code == 0, err
    d = debrief(play.play(defaults(), 0, 0, "21R27T30A"), runs=400)
    for sentence in d.sentences():
        assert " ".join(sentence.split()) in " ".join(out.split())
    assert "Your history" in out and "model's Britain" in out
    assert "--choices '21R27T30A'" in out


def test_compact_and_long_forms_give_the_same_debrief(capsys: pytest.CaptureFixture[str]) -> None:
    a = run(capsys, "play", "baseline", "--seed", "2", "-i", "5", "-c", "21R28P", "-n", "300")
    b = run(capsys, "play", "baseline", "--seed", "2", "-i", "5", "-c", "21:R, 28:P", "-n", "300")
    assert a[0] == b[0] == 0 and a[1] == b[1]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--choices", "21R22T"], "not allowed: from step 26"),
        (["--choices", "25R22F"], "time order"),
        (["--choices", "21:bomb"], "not 'step:move'"),
        (["--choices", "21A25A"], "only once"),
        (["--choices", "21R130F"], "already ended"),
        (["--index", "-1"], "--index"),
        (["--seed", "-5"], "--seed"),
        (["--runs", "0", "-c", "21R"], "--runs"),
        (["nosuch"], "nosuch"),
    ],
)
def test_bad_input_is_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = run(capsys, "play", *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], err


def test_interactive_game_to_the_debrief(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # R at 21, keep, an unreadable answer, an illegal early Thor offer, F, then to the end.
    monkeypatch.setattr("sys.stdin", io.StringIO("R\n\nzz\nF+T\nF\nend\n"))
    code, out, err = run(capsys, "play", "-n", "300")
    assert code == 0, err
    assert "not allowed:" in out and "Moves:" in out
    assert "Cabinet advises" in out and "Foreign Office advises" in out
    assert "Debrief: scenario baseline, seed 0, history 0; choices 21R23F" in out
    # The prompts showed the briefing: Kennedy's message at the first step, dated in London.
    assert re.search(r"21 Oct 22:00 London \(report from Washington\): Kennedy's private", out)


def test_html_debrief_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "debrief.html"
    code, _, err = run(capsys, "play", "-c", "21R27T", "-n", "300", "--html", str(target))
    assert code == 0, err
    page = target.read_text()
    assert page.startswith("<!doctype html>") and "Your Thor offer on 23 Oct" in page


def test_play_is_listed_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "play" in out
