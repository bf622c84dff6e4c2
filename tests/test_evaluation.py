"""Evaluation helpers: metrics on toy arrays, shortcut transforms on hand-written text."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mtdetect.boilerplate import strip_boilerplate
from mtdetect.text import normalise
from training.corpus import Record
from training.evaluation.groups import cefr_group, length_bucket, system_family
from training.evaluation.metrics import (
    auc,
    check,
    cut_at_fpr,
    expected_calibration_error,
    paired_wins,
    reliability_bins,
    tpr_at_fpr,
)
from training.evaluation.perturb import (
    add_boilerplate,
    paragraphs,
    reflow_sentences,
    single_line,
    swap_quotes,
)
from training.evaluation.report import summarise
from training.evaluation.shortcuts import shortcut_sample

ARTICLE = (
    'The harbour board met on Monday. "We cannot wait another winter," said its chair,\n'
    "Ruth Okafor, who has run the port since 2019.\n"
    "Repairs to the north wall will cost about $4.5m. Work starts in March!\n"
    "Fishermen's groups welcomed the plan, but asked: who pays for the delays?\n"
    "The council's 'rainy day' fund is nearly empty (it was drained in 2021).\n"
    "A final vote is expected next month."
)


# -- calibration ---------------------------------------------------------------------------
def test_ece_is_zero_when_every_bin_matches_its_rate() -> None:
    probabilities, labels = [], []
    for p in np.arange(0.05, 1.0, 0.1):  # bin centres
        positives = round(p * 100)
        probabilities += [p] * 100
        labels += [1] * positives + [0] * (100 - positives)
    ece = expected_calibration_error(np.array(probabilities), np.array(labels))
    assert ece == pytest.approx(0.0, abs=1e-9)


def test_ece_measures_overconfidence() -> None:
    probabilities = np.full(200, 0.9)
    labels = np.array([1, 0] * 100)  # observed rate 0.5
    assert expected_calibration_error(probabilities, labels) == pytest.approx(0.4)


def test_ece_weights_change_the_mix() -> None:
    probabilities = np.array([0.1, 0.1, 0.9, 0.9])
    labels = np.array([0, 0, 1, 0])
    plain = expected_calibration_error(probabilities, labels)
    # up-weighting the correct positive makes the 0.9 bin look well calibrated
    weighted = expected_calibration_error(probabilities, labels, weights=np.array([1, 1, 9, 1]))
    assert weighted < plain


def test_reliability_bins_put_edges_in_the_right_bin() -> None:
    rows = reliability_bins(np.array([0.0, 0.1, 0.99, 1.0]), np.array([0, 0, 1, 1]))
    assert [(row["lo"], row["n"]) for row in rows] == [(0.0, 1), (0.1, 1), (0.9, 2)]
    assert sum(row["weight"] for row in rows) == pytest.approx(1.0)


# -- ranking and thresholds -----------------------------------------------------------------
def test_auc_is_none_for_a_single_class() -> None:
    assert auc([1, 1, 1], np.array([0.2, 0.5, 0.9])) is None
    assert auc([0, 1], np.array([0.2, 0.9])) == 1.0
    assert auc([0, 1], np.array([0.9, 0.2])) == 0.0


def test_cut_at_fpr_allows_at_most_the_budget() -> None:
    negatives = np.arange(200, dtype=float)  # 1% of 200 = 2 may be flagged
    cut = cut_at_fpr(negatives, 0.01)
    assert np.sum(negatives >= cut) == 2
    assert cut > 197.0  # works above 1.0: decision values are unbounded


def test_cut_at_fpr_on_negative_decision_values() -> None:
    negatives = -np.arange(1, 101, dtype=float)  # -1 .. -100; one may be flagged
    cut = cut_at_fpr(negatives, 0.01)
    assert np.sum(negatives >= cut) == 1
    assert -2.0 < cut <= -1.0


def test_tpr_at_fpr_counts_positives_above_the_human_cut() -> None:
    negatives = np.linspace(0.0, 1.0, 100)  # one negative (1.0) may pass
    positives = np.array([0.5, 0.995, 1.0, 2.0])
    # the cut sits just above the second highest negative (0.9899...)
    assert tpr_at_fpr(positives, negatives, 0.01) == pytest.approx(0.75)
    assert tpr_at_fpr(np.array([]), negatives) is None


def test_paired_wins_counts_wins_ties_and_losses() -> None:
    machine = np.array([0.9, 0.8, 0.5, 0.2])
    original = np.array([0.1, 0.8, 0.6, 0.1])
    result = paired_wins(machine, original)
    assert (result["pairs"], result["wins"], result["ties"], result["losses"]) == (4, 2, 1, 1)
    assert result["win_rate"] == pytest.approx(0.5)


def test_check_reports_misses_honestly() -> None:
    assert check("auc_overall", 0.97)["pass"] is True
    assert check("auc_overall", 0.90)["pass"] is False
    assert check("ece", 0.05)["pass"] is True
    assert check("shortcut_mean_change", 0.02)["pass"] is False  # strict "<"
    assert check("learner_fpr", None)["pass"] is None
    report = {
        "headline": {"auc_overall": check("auc_overall", 0.9)},
        "learners": {"learner_fpr": check("learner_fpr", 0.01)},
    }
    summary = summarise(report)
    assert summary["missed"] == ["headline.auc_overall"]
    assert summary["passed"] == 1


# -- slicing -------------------------------------------------------------------------------
def test_slicing_helpers() -> None:
    assert length_bucket(60) == "60-150"
    assert length_bucket(399) == "150-400"
    assert length_bucket(1000) == "1000+"
    assert system_family("Online-B") == "Online-*"
    assert system_family("CUNI-DocTransformer") == system_family("CUNI-Transformer") == "CUNI"
    assert cefr_group("B1.ii") == "B1"
    assert cefr_group("C2+") == "C2"
    assert cefr_group("") == "unknown"


def _record(label: str, text: str) -> Record:
    return Record(text=text, label=label, group=text, source="test", lang="en", system="x")


def test_shortcut_sample_is_deterministic_and_mixes_labels() -> None:
    records = [_record("MT", f"machine text {i}") for i in range(50)]
    records += [_record("HT", f"human text {i}") for i in range(5)]
    records += [_record("ORIG", f"original text {i}") for i in range(50)]
    chosen = shortcut_sample(records, 30)
    assert chosen == shortcut_sample(records, 30)
    assert len(chosen) == 30
    labels = [records[i].label for i in chosen]
    assert labels.count("HT") == 5  # small labels are taken whole
    assert abs(labels.count("MT") - labels.count("ORIG")) <= 1


# -- shortcut transforms ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "transform", [reflow_sentences, single_line, paragraphs, add_boilerplate, swap_quotes]
)
def test_transforms_keep_the_words(transform) -> None:  # type: ignore[no-untyped-def]
    changed = transform(ARTICLE)
    assert changed != ARTICLE
    if transform is add_boilerplate:
        changed = strip_boilerplate(changed).text
    if transform is swap_quotes:
        changed = normalise(changed)
    assert changed.split() == ARTICLE.split()


def test_reflow_puts_one_sentence_on_each_line() -> None:
    lines = reflow_sentences(ARTICLE).split("\n")
    assert lines[0] == "The harbour board met on Monday."
    assert lines[1].startswith('"We cannot wait another winter," said its chair, Ruth Okafor,')
    assert lines[1].endswith("since 2019.")
    assert lines[-1] == "A final vote is expected next month."
    assert "\n" not in single_line(ARTICLE)


def test_paragraphs_add_a_blank_line_every_three_lines() -> None:
    blocks = paragraphs(ARTICLE).split("\n\n")
    assert [len(block.split("\n")) for block in blocks] == [3, 3]


def test_swap_quotes_makes_straight_quotes_curly_and_back() -> None:
    curly = swap_quotes('She said "no" and it\'s over.')
    assert curly == "She said \u201cno\u201d and it\u2019s over."
    assert swap_quotes(curly) == 'She said "no" and it\'s over.'
    assert swap_quotes("the 'rainy day' fund") == "the \u2018rainy day\u2019 fund"


def test_added_boilerplate_is_what_the_detector_strips() -> None:
    cleaned = strip_boilerplate(add_boilerplate(ARTICLE))
    assert cleaned.text.strip() == ARTICLE
    assert len(cleaned.removed) == 4


def test_grouped_bootstrap_resamples_whole_groups() -> None:
    from training.evaluation.metrics import grouped_bootstrap

    values = np.array([1.0, 1.0, 0.0, 0.0, 0.5, 0.5])
    groups = ["a", "a", "b", "b", "c", "c"]
    # a group's members always travel together, so every resampled mean is a
    # mean of group means (0, 0.5 or 1), and the interval stays inside [0, 1]
    low, high = grouped_bootstrap(lambda idx: float(values[idx].mean()), groups, n=300)
    assert 0.0 <= low < 0.5 < high <= 1.0
    constant = grouped_bootstrap(lambda idx: 0.7, groups, n=50)
    assert constant == [0.7, 0.7]
    assert grouped_bootstrap(lambda idx: None, groups, n=50) is None


def _toy_context(n_groups: int = 40):  # type: ignore[no-untyped-def]
    """Each group: an original, its round trip, and a human translation beside MT."""
    from types import SimpleNamespace

    records = []
    for g in range(n_groups):
        group = f"g{g}"
        records += [
            Record(text="", label="ORIG", group=group, source="orig", lang="en", system=""),
            Record(
                text="",
                label="RT",
                group=group,
                source="rt",
                lang="en",
                system="apertium",
                meta=(("orig_group", group),),
            ),
            Record(text="", label="HT", group=f"w{g}", source="wmt", lang="cs", system=""),
            Record(text="", label="MT", group=f"w{g}", source="wmt", lang="cs", system=""),
        ]
    label = np.array([r.label for r in records])
    positive = np.isin(label, ["RT", "MT"])
    return SimpleNamespace(
        test=records, label=label, positive=positive, human=~positive, y=positive.astype(int)
    )


def test_paired_gaps_are_zero_between_a_model_and_itself() -> None:
    from training.evaluation.baseline import paired_gaps

    ctx = _toy_context()
    scores = np.random.default_rng(0).normal(size=len(ctx.test)) + ctx.y
    gaps = paired_gaps(ctx, scores, scores, bootstrap=50)
    assert set(gaps) == {"auc_overall", "tpr_at_1fpr_apertium_rt", "rt_vs_originals_auc"}
    for gap in gaps.values():
        assert gap["ours_minus_baseline"] == 0
        assert gap["ci95"] == [0.0, 0.0]


def test_paired_gaps_favour_the_model_that_separates_the_classes() -> None:
    from training.evaluation.baseline import paired_gaps

    ctx = _toy_context()
    noise = np.random.default_rng(1).normal(size=len(ctx.test))
    perfect, weak = ctx.y * 10.0 + noise, ctx.y * 0.5 + noise
    gaps = paired_gaps(ctx, perfect, weak, bootstrap=50)
    assert gaps["auc_overall"]["ours_minus_baseline"] > 0
    assert gaps["auc_overall"]["ci95"][0] > 0
    reverse = paired_gaps(ctx, weak, perfect, bootstrap=50)
    assert reverse["rt_vs_originals_auc"]["ci95"][1] < 0


def test_roundtrips_by_source_split_recall_by_the_original_they_came_from() -> None:
    from dataclasses import replace

    from training.evaluation.baseline import roundtrips_by_source

    ctx = _toy_context()
    # odd groups' originals are chats, even ones news
    ctx.test = [
        replace(r, source="orig-chat" if int(r.group[1:]) % 2 else "orig-news")
        if r.label == "ORIG"
        else r
        for r in ctx.test
    ]
    noise = np.random.default_rng(2).normal(size=len(ctx.test))
    chat_rt = np.array(
        [r.label == "RT" and int(r.group[1:]) % 2 == 1 for r in ctx.test], dtype=bool
    )
    theirs = ctx.y * 10.0 + noise
    ours = np.where(chat_rt, -10.0, theirs)  # ours misses every chat round trip
    rows = {row["source"]: row for row in roundtrips_by_source(ctx, ours, theirs)}
    assert set(rows) == {"orig-chat", "orig-news", "all", "all, against originals only"}
    assert rows["orig-chat"]["n"] == rows["orig-news"]["n"] == 20
    assert (rows["orig-chat"]["ours"], rows["orig-chat"]["baseline"]) == (0.0, 1.0)
    assert (rows["orig-news"]["ours"], rows["orig-news"]["baseline"]) == (1.0, 1.0)
    assert rows["all"]["ours"] == rows["all, against originals only"]["ours"] == 0.5


def test_operating_points_include_the_shipped_threshold_and_fall_with_it() -> None:
    from types import SimpleNamespace

    from training.evaluation.headline import operating_points

    label = np.array(["HT", "HT", "ORIG", "LEARNER", "MT", "MT", "RT", "RT"])
    probability = np.array([0.96, 0.4, 0.1, 0.85, 0.97, 0.6, 0.999, 0.92])
    rows = operating_points(SimpleNamespace(label=label, probability=probability, threshold=0.93))
    shipped = [row for row in rows if row["shipped"]]
    assert [row["threshold"] for row in shipped] == [0.93]
    assert shipped[0]["fpr_HT"] == 0.5 and shipped[0]["tpr_RT"] == 0.5
    # a higher threshold never flags more of anything
    for low, high in zip(rows, rows[1:], strict=False):
        for key in ("fpr_HT", "fpr_LEARNER", "tpr_MT", "tpr_RT"):
            assert high[key] <= low[key]
    assert rows[-1]["tpr_RT"] == 0.5 and rows[0]["fpr_LEARNER"] == 1.0


def test_holding_a_language_out_drops_the_round_trips_of_its_translations() -> None:
    from training.evaluation.groups import lolo_keep

    def rec(label: str, lang: str, source_lang: str = "") -> Record:
        meta = (("source_lang", source_lang),) if source_lang else ()
        return Record("", label, "g", "s", lang, "", meta)

    train = [
        rec("MT", "ja"), rec("HT", "ja"), rec("RT-HT", "spa", "ja"),
        rec("MT", "ru"), rec("HT", "ru"), rec("RT-HT", "cat", "ru"),
        rec("RT", "spa"), rec("ORIG", "en"), rec("RT-LEARNER", "spa"),
    ]  # fmt: skip
    assert lolo_keep(train, "ja").tolist() == [False] * 3 + [True] * 6
    assert lolo_keep(train, "ru").tolist() == [True] * 3 + [False] * 3 + [True] * 3


def test_roundtrips_of_other_texts_are_measured_against_the_human_cut() -> None:
    from types import SimpleNamespace

    from training.evaluation.roundtrips import roundtrips_of_other_texts

    test = [
        Record("", "HT", "w1", "wmt", "ja", ""),
        Record("", "HT", "w2", "wmt", "ja", ""),
        Record("", "LEARNER", "a1", "learner", "en", ""),
    ] + [Record("", "ORIG", f"o{i}", "orig", "en", "") for i in range(97)]
    label = np.array([r.label for r in test])
    human = np.isin(label, ["HT", "ORIG"])
    decision = np.where(label == "HT", 2.0, np.linspace(-3, 0, len(test)))
    extra = [
        Record("", "RT-HT", "w1", "apertium-spa", "spa", ""),
        Record("", "RT-HT", "w2", "apertium-spa", "spa", ""),
        Record("", "RT-LEARNER", "a1", "apertium-spa", "spa", ""),
    ]
    ctx = SimpleNamespace(test=test, label=label, human=human, extra_test=extra)
    # one translation's round trip above every human text, one below the two HT
    out = roundtrips_of_other_texts(
        ctx, np.array([3.0, 1.0, 5.0]), decision, np.array([True, False, True])
    )
    assert out["RT-HT"]["n"] == 2 and out["RT-HT"]["n_sources"] == 2
    assert out["RT-HT"]["tpr_at_1fpr"] == 0.5 and out["RT-HT"]["tpr_at_threshold"] == 0.5
    assert out["RT-HT"]["auc_vs_own_sources"] == 0.5
    assert out["RT-LEARNER"]["tpr_at_1fpr"] == 1.0
    assert out["RT-LEARNER"]["auc_vs_own_sources"] == 1.0


def test_model_card_keeps_the_committed_cards_sections() -> None:
    """The card is rendered from metrics.json alone, section by section, in the card's order.

    Headings only: a table's columns may change (the leave-one-system-out table
    follows training/loso.py) before the committed card is regenerated.
    """
    import json
    from pathlib import Path

    from training.evaluation.model_card import render_markdown

    reports = Path(__file__).resolve().parents[1] / "training" / "reports"
    report = json.loads((reports / "metrics.json").read_text(encoding="utf-8"))

    def headings(card: str) -> list[str]:
        return [line for line in card.splitlines() if line.startswith("#")]

    committed = (reports / "metrics.md").read_text(encoding="utf-8")
    assert headings(render_markdown(report)) == headings(committed)


def test_report_commands_start(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    """``python -m training.evaluation`` and the README's ``python training/evaluate.py`` parse."""
    import runpy
    import sys
    from pathlib import Path

    shim = Path(__file__).resolve().parents[1] / "training" / "evaluate.py"
    for run in (
        lambda: runpy.run_module("training.evaluation", run_name="__main__"),
        lambda: runpy.run_path(str(shim), run_name="__main__"),
    ):
        monkeypatch.setattr(sys, "argv", ["evaluate", "--help"])
        with pytest.raises(SystemExit) as done:
            run()
        assert done.value.code == 0
        assert "--skip" in capsys.readouterr().out
