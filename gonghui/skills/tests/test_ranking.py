"""The ranking rule, as a pure function: weights, rounding, each tie-break, shared ranks,
the pass mark, titles and prizes."""

from __future__ import annotations

from decimal import Decimal as D

from gonghui.skills.ranking import Scores, final_score, rank_entries

PRIZES = {1: D("3000.00"), 2: D("2000.00"), 3: D("1000.00")}


def rank(entries: list[Scores], *, theory: int = 30, practical: int = 70, pass_mark: str = "60"):
    return rank_entries(
        entries,
        theory_weight=theory,
        practical_weight=practical,
        pass_mark=D(pass_mark),
        prizes=PRIZES,
    )


def e(key: str, theory: str, practical: str, minutes: str | None = None) -> Scores:
    return Scores(key, D(theory), D(practical), D(minutes) if minutes else None)


def test_the_final_score_weights_theory_30_and_practical_70_by_default() -> None:
    assert final_score(D("80"), D("90"), 30, 70) == D("87.00")


def test_other_weights_change_the_final_score() -> None:
    assert final_score(D("80"), D("90"), 50, 50) == D("85.00")


def test_the_final_score_rounds_half_up_to_two_decimals() -> None:
    # 0.3 × 88.35 + 0.7 × 90.05 = 26.505 + 63.035 = 89.54 exactly; 0.3 × 0.05 = 0.015 → 0.02.
    assert final_score(D("88.35"), D("90.05"), 30, 70) == D("89.54")
    assert final_score(D("0.05"), D("0"), 30, 70) == D("0.02")
    assert final_score(D("0.15"), D("0"), 30, 70) == D("0.05")  # 0.045 → 0.05, not 0.04


def test_entries_are_ordered_by_final_score_descending() -> None:
    ranked = rank([e("a", "60", "70"), e("b", "90", "90"), e("c", "80", "80")])
    assert [(r.key, r.rank) for r in ranked] == [("b", 1), ("c", 2), ("a", 3)]


def test_an_equal_final_score_is_broken_by_the_higher_practical_score() -> None:
    # Both 84.00: 0.3×70+0.7×90 = 84 and 0.3×98+0.7×78 = 84.
    ranked = rank([e("theory", "98", "78"), e("practical", "70", "90")])
    assert [(r.key, r.final, r.rank) for r in ranked] == [
        ("practical", D("84.00"), 1),
        ("theory", D("84.00"), 2),
    ]


def test_then_by_the_shorter_practical_time() -> None:
    ranked = rank([e("slow", "80", "80", "45"), e("fast", "80", "80", "30.5")])
    assert [(r.key, r.rank) for r in ranked] == [("fast", 1), ("slow", 2)]


def test_an_entry_without_a_time_goes_after_those_with_one() -> None:
    ranked = rank([e("none", "80", "80"), e("timed", "80", "80", "90")])
    assert [(r.key, r.rank) for r in ranked] == [("timed", 1), ("none", 2)]


def test_entries_equal_on_all_three_share_a_rank_and_the_next_rank_skips() -> None:
    ranked = rank(
        [
            e("a", "90", "90", "30"),
            e("b", "85", "85", "40"),
            e("c", "85", "85", "40"),
            e("d", "70", "70", "40"),
        ]
    )
    assert [(r.key, r.rank) for r in ranked] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_two_entries_without_time_and_equal_scores_share_a_rank() -> None:
    ranked = rank([e("a", "80", "80"), e("b", "80", "80")])
    assert [r.rank for r in ranked] == [1, 1]


def test_the_top_three_at_or_above_the_pass_mark_get_the_title_and_their_prize() -> None:
    ranked = rank([e("a", "90", "90"), e("b", "80", "80"), e("c", "70", "70"), e("d", "65", "65")])
    assert [(r.key, r.title, r.prize) for r in ranked] == [
        ("a", True, D("3000.00")),
        ("b", True, D("2000.00")),
        ("c", True, D("1000.00")),
        ("d", False, None),
    ]


def test_an_entry_exactly_at_the_pass_mark_passes() -> None:
    [only] = rank([e("a", "60", "60")])
    assert (only.final, only.title, only.prize) == (D("60.00"), True, D("3000.00"))


def test_an_entry_below_the_pass_mark_gets_a_rank_but_no_title_or_prize() -> None:
    ranked = rank([e("a", "90", "90"), e("low", "59", "59.99")])
    assert [(r.key, r.rank, r.title, r.prize) for r in ranked] == [
        ("a", 1, True, D("3000.00")),
        ("low", 2, False, None),
    ]


def test_a_tie_at_three_titles_both_and_rank_four_gets_none() -> None:
    ranked = rank(
        [
            e("a", "95", "95"),
            e("b", "90", "90"),
            e("c", "85", "85"),
            e("d", "85", "85"),
            e("e", "80", "80"),
        ]
    )
    assert [(r.key, r.rank, r.title) for r in ranked] == [
        ("a", 1, True),
        ("b", 2, True),
        ("c", 3, True),
        ("d", 3, True),
        ("e", 5, False),
    ]


def test_a_tie_at_two_leaves_no_rank_three_and_rank_four_has_no_title() -> None:
    ranked = rank([e("a", "95", "95"), e("b", "90", "90"), e("c", "90", "90"), e("d", "85", "85")])
    assert [(r.rank, r.title, r.prize) for r in ranked] == [
        (1, True, D("3000.00")),
        (2, True, D("2000.00")),
        (2, True, D("2000.00")),
        (4, False, None),
    ]
