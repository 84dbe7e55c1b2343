"""What kind of figure a quantity is: its frame, base, and whether it holds each year.

The wordings are data (``rules/frames.yaml``, whose header says in which order a frame is
decided); this module compiles them once per text layer and reads one quantity in its clause,
its sentence's lead-in and the headings above it.

* ``frame``: ``actual`` (a level achieved or observed), ``estimate`` (a level for a period not
  yet closed), ``target`` (a goal or plan), ``change`` (an increase, decrease or excess *by*
  an amount, a percentage or a multiple);
* ``is_change``: the number measures a change rather than a level (a target can be a change);
* ``base``: what a change, or a ratio to a yardstick, is measured against (a year or period,
  ``plan``, ``estimate``, ``term_start``, ``previous_year``), empty when the text does not say;
* ``each_year``: the figure is said to hold for every year of its period ("hằng năm"), as
  opposed to a total or an average ("bình quân … /năm").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import config
from ..text.lexicon import LETTER, _alternation, _compile, rule_file

__all__ = ["FRAMES", "Reading", "FrameRules", "load_frame_rules", "read_frame"]

FRAMES = ("actual", "estimate", "target", "change")


@dataclass(frozen=True)
class Reading:
    frame: str
    base: str
    each_year: bool
    is_change: bool
    average: bool = False  # an average per year ("bình quân mỗi năm", "bình quân 3,5%/năm"): over a span


@dataclass(frozen=True)
class FrameRules:
    """frames.yaml compiled for one kind of text (exact: clean and PDF layers; folded: OCR)."""

    target_before: re.Pattern
    past_before: re.Pattern
    yardstick_before: re.Pattern
    result_words: re.Pattern
    estimate_before: re.Pattern
    continuation: re.Pattern
    change_before: re.Pattern
    growth_before: re.Pattern
    level_before: re.Pattern
    award_after: re.Pattern
    average: re.Pattern
    each_year: re.Pattern
    bases_after: tuple[tuple[str, re.Pattern], ...]
    bases_anywhere: tuple[tuple[str, re.Pattern], ...]


def load_frame_rules(rules_dir: Path | None = None, exact: bool = True) -> FrameRules:
    """Compile ``frames.yaml``; :class:`~sonla.errors.SonlaError` names a bad wording."""
    return _load(Path(rules_dir or config.RULES_DIR), bool(exact))


@lru_cache(maxsize=8)
def _load(rules_dir: Path, exact: bool) -> FrameRules:
    spec = rule_file("frames.yaml", rules_dir)

    def words(key: str) -> str:
        return rf"(?<!{LETTER})(?:{_alternation(spec[key], exact)})(?!{LETTER})"

    def anywhere(key: str) -> re.Pattern:
        return _compile(words(key), f"frames.yaml {key}")

    def right_before(key: str, gap: int, opening: str = "") -> re.Pattern:
        # The wording, then at most `gap` words without punctuation, then the number (after an
        # optional `opening`: "là", ":", "(").
        return _compile(rf"{words(key)}(?P<gap>(?:\s+[^\s,;:()]+){{0,{gap}}}?){opening}\s*$",
                        f"frames.yaml {key}")

    bases_after, bases_anywhere = [], []
    for entry in spec["bases"]:
        alt = _alternation(entry["patterns"], exact)
        where = f"frames.yaml bases {entry['base']!r}"
        # Right after the number, at most two words between ("105% kế hoạch", "tăng 12% so với năm 2022").
        bases_after.append((entry["base"], _compile(rf"^\s*(?:[^\s,;:.()]+\s+){{0,2}}?(?:{alt})(?!{LETTER})",
                                                    where)))
        bases_anywhere.append((entry["base"], _compile(rf"(?<!{LETTER})(?:{alt})(?!{LETTER})", where)))
    distance = int(spec.get("change_distance", 6))
    return FrameRules(
        target_before=anywhere("target_before"),
        past_before=anywhere("past_before"),
        yardstick_before=right_before("yardstick_before", int(spec.get("yardstick_distance", 6)),
                                      r"(?:\s*[:(])?"),
        result_words=anywhere("result_words"),
        estimate_before=anywhere("estimate_before"),
        continuation=_compile(rf"^\W*{words('continuation_lead')}", "frames.yaml continuation_lead"),
        change_before=right_before("change_before", distance),
        growth_before=anywhere("growth_before"),
        level_before=right_before("level_before", distance),
        award_after=_compile(rf"^\s*(?:{_alternation(spec['award_after'], exact)})(?!{LETTER})",
                             "frames.yaml award_after"),
        average=anywhere("average"),
        each_year=anywhere("each_year"),
        bases_after=tuple(bases_after), bases_anywhere=tuple(bases_anywhere),
    )


def _base_name(match: re.Match, base: str) -> str:
    if "{year}" in base:  # the matched year or span, written YYYY or YYYY-YYYY
        year = next(g for g in match.groups() if g)
        return re.sub(r"\s*[-–]\s*", "-", year)
    return base


def _change(before: str, unit: str, after: str, rules: FrameRules) -> tuple[bool, str]:
    """Whether the number is a change, and the words between the change wording and it."""
    change = rules.change_before.search(before)
    if change and rules.award_after.search(after):  # "tặng 02 Cờ thi đua": an award, not a rise
        change = None
    if not change:
        # A multiple compared with something: "1,5 lần so với …".
        return unit == "times" and bool(re.match(r"\s*so v", after)), ""
    level = rules.level_before.search(before)
    # A level wording at or after the change wording: "giảm còn 5%", "tăng lên 48%", "giảm từ 145 hộ".
    if level and level.start() >= change.start():
        return False, ""
    return True, change.group("gap")


def _base(after: str, scope: str, gap: str, is_change: bool, rules: FrameRules) -> str:
    for name, pattern in rules.bases_after:
        m = pattern.search(after)
        if m:
            base = _base_name(m, name)
            # A level is measured against a yardstick only ("đạt 105% kế hoạch"), never a year.
            return base if is_change or base in ("plan", "estimate") else ""
    if not is_change:
        return ""
    for name, pattern in rules.bases_anywhere:
        m = pattern.search(gap)  # between the change wording and the number: "vượt kế hoạch 5%"
        if m:
            return _base_name(m, name)
    for name, pattern in rules.bases_anywhere:
        found = list(pattern.finditer(scope))  # "So với năm 2020, … tăng 35%"
        if found and "so v" in found[-1].group(0):
            return _base_name(found[-1], name)
    return ""


def read_frame(folded: str, start: int, end: int, bounds: tuple[int, int, int, int], unit: str,
               target_heading: bool, future_period: bool, rules: FrameRules,
               previous_sentence: str = "") -> Reading:
    """Read the quantity at ``folded[start:end]`` (see ``rules/frames.yaml`` for the order).

    ``bounds`` are (sentence start, clause start, clause end, sentence end); ``target_heading``
    says a heading in scope announces targets; ``future_period`` that the claim's period ends
    after its source's date; ``previous_sentence`` (folded) is the sentence before, whose frame
    wordings a continuing sentence ("Trong đó: …") shares.
    """
    sent_start, clause_start, clause_end, _ = bounds
    sentence_before = folded[sent_start:start]
    clause_before = folded[clause_start:start]
    after = folded[end:clause_end]
    is_change, gap = _change(clause_before, unit, after, rules)
    is_change = is_change or bool(rules.growth_before.search(clause_before))
    # Framing wordings stand in the number's clause or its sentence's lead-in ("Phấn đấu đến năm
    # 2030: …; …"), not in an earlier clause about another figure.
    lead = sentence_before.find(":")
    scope = clause_before if lead < 0 else f"{sentence_before[:lead]} ; {clause_before}"
    if previous_sentence and rules.continuation.search(sentence_before):
        scope = f"{previous_sentence} ; {scope}"
    targets = list(rules.target_before.finditer(scope))
    target = targets[-1] if targets else None
    if target and rules.past_before.search(scope[max(0, target.start() - 30):target.start()]):
        target = None  # "đã nỗ lực, phấn đấu hoàn thành …" reports a result
    estimate = rules.estimate_before.search(scope)
    yardstick = rules.yardstick_before.search(clause_before)
    if yardstick and (is_change or rules.result_words.search(yardstick.group("gap"))):
        yardstick = None  # "kế hoạch vốn giao (đạt 87,7%)": the number is the result
    if target or yardstick or target_heading or (future_period and not estimate):
        frame = "target"
    elif is_change:
        frame = "change"
    elif estimate:
        frame = "estimate"
    else:
        frame = "actual"
    base = _base(after, scope, gap, is_change, rules)
    averaged = bool(rules.average.search(clause_before))
    every_year = bool(rules.each_year.search(folded, clause_start, clause_end))
    # An average per year: "bình quân mỗi năm giảm 4,8%", "tăng bình quân 3,5%/năm" (not the
    # per-head "thu nhập bình quân 45 triệu đồng/người/năm").
    per_year = averaged and (every_year or bool(re.match(r"[\d.,]+\s*%\s*/\s*năm", folded[start:end])))
    return Reading(frame, base, every_year and not averaged, is_change, per_year)
