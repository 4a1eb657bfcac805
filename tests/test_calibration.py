import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from jdclassify.calibration import Calibration, Curve, expected_calibration_error, fit_isotonic


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=200))
@settings(max_examples=60, deadline=None)
def test_isotonic_fit_is_monotone_and_in_unit_interval(pairs):
    curve = fit_isotonic([p for p, _ in pairs], [ok for _, ok in pairs])
    grid = np.linspace(-0.5, 1.5, 101)
    values = [curve(x) for x in grid]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert all(b >= a - 1e-12 for a, b in zip(values, values[1:]))


def test_isotonic_fit_recovers_the_rate_of_correct_answers():
    rng = np.random.default_rng(0)
    raw = rng.random(4000)
    correct = rng.random(4000) < raw**2  # true P(correct | raw) = raw^2
    curve = fit_isotonic(raw, correct)
    assert abs(curve(0.5) - 0.25) < 0.08
    assert abs(curve(0.9) - 0.81) < 0.08
    assert expected_calibration_error([curve(x) for x in raw], correct) < expected_calibration_error(raw, correct)


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_overconfident():
    assert expected_calibration_error([0.5] * 10, [True] * 5 + [False] * 5) == pytest.approx(0.0)
    assert expected_calibration_error([0.95] * 10, [False] * 10) == pytest.approx(0.95)


def test_calibration_round_trips_and_missing_file_means_raw_scores(tmp_path):
    assert Calibration.load(tmp_path).apply("onet", 1.7) == 1.0  # no file: raw, clipped
    cal = Calibration({"onet": Curve((0.0, 1.0), (0.1, 0.9), 10)}, "test fold", "v1", "2025-01-01")
    (tmp_path / "calibration.json").write_text(cal.to_json())
    loaded = Calibration.load(tmp_path)
    assert loaded.fitted and loaded.lexicon_version == "v1"
    assert loaded.apply("onet", 0.5) == pytest.approx(0.5)
    assert loaded.apply("level", 0.3) == 0.3  # kind without a curve: raw


def test_a_non_monotone_curve_file_is_rejected(tmp_path):
    (tmp_path / "calibration.json").write_text(json.dumps({"curves": {"onet": {"x": [0, 1], "y": [0.9, 0.1]}}}))
    with pytest.raises(ValueError, match="monotone"):
        Calibration.load(tmp_path)


def test_postings_with_descriptions_use_their_own_curve_when_fitted():
    titles_only = Calibration({"onet": Curve((0.0, 1.0), (0.0, 0.5), 10)})
    assert titles_only.kind("onet", with_description=True) == "onet"  # no description curve: the title curve
    both = Calibration({"onet": Curve((0.0, 1.0), (0.0, 0.5), 10), "onet_desc": Curve((0.0, 1.0), (0.5, 1.0), 10)})
    assert both.kind("onet", with_description=False) == "onet"
    kind = both.kind("onet", with_description=True)
    assert kind == "onet_desc" and both.apply(kind, 0.5) == pytest.approx(0.75)


def test_a_large_tie_keeps_its_own_rate_instead_of_joining_the_block_before_it():
    """1,000 exact matches at raw 1.0, 98 % right, after 200 near-ties at 0.9, 80 % right: two levels, not one."""
    raw = [0.9] * 200 + [1.0] * 1000
    correct = [i < 160 for i in range(200)] + [i < 980 for i in range(1000)]
    curve = fit_isotonic(raw, correct)
    assert curve(1.0) == pytest.approx(981 / 1002)
    assert curve(0.9) == pytest.approx(161 / 202)


def test_known_aliases_use_their_own_curve_when_fitted_and_descriptions_take_precedence():
    cal = Calibration({"onet": Curve((0.0, 1.0), (0.0, 0.5), 10), "onet_exact": Curve((0.0, 1.0), (0.2, 0.9), 10),
                       "onet_desc": Curve((0.0, 1.0), (0.5, 1.0), 10)})
    assert cal.kind("onet", with_description=False, exact=True) == "onet_exact"
    assert cal.kind("onet", with_description=True, exact=True) == "onet_desc"
    assert Calibration({"onet": Curve((0.0, 1.0), (0.0, 0.5), 10)}).kind("onet", False, exact=True) == "onet"


@given(st.lists(st.floats(-1, 2), min_size=1, max_size=12), st.lists(st.floats(0, 1), min_size=12, max_size=12),
       st.lists(st.one_of(st.floats(-2, 3), st.sampled_from([float("nan"), float("inf"), -float("inf")])), max_size=30))
@settings(max_examples=300, deadline=None)
def test_a_curve_maps_a_score_exactly_as_numpy_interp_and_clip(xs, ys, raws):
    """Curve.__call__ is a pure-Python interp (numpy's per-call overhead was most of its cost): same bits, knots
    (repeated ones too), out-of-range and NaN scores included."""
    x = tuple(sorted(xs))
    y = tuple(sorted(ys[: len(x)]))
    curve = Curve(x, y)
    for raw in [*raws, *x, *(np.nextafter(v, 9) for v in x), *(np.float64(v) for v in x)]:
        want = float(np.clip(np.interp(raw, x, y), 0.0, 1.0))
        got = curve(raw)
        assert type(got) is float and (got == want or (got != got and want != want)), (x, y, raw, got, want)


@pytest.mark.parametrize("x, y", [((-np.inf, 0.0, 0.5), (0.1, 0.4, 0.9)), ((0.0, 0.5, np.inf), (0.2, 0.3, 0.3)),
                                  ((-np.inf, np.inf), (0.3, 0.3)), ((0.3,), (0.4,)), ((0.2, 0.2, 0.4), (0.1, 0.5, 0.5))])
def test_a_curve_with_infinite_or_repeated_knots_still_maps_as_numpy(x, y):
    curve = Curve(x, y)
    for raw in (-np.inf, -5.0, 0.0, 0.1, 0.2, 0.3, 0.45, 0.5, 7.0, np.inf, np.nan):
        want = float(np.clip(np.interp(raw, x, y), 0.0, 1.0))
        assert curve(raw) == want or (want != want and curve(raw) != curve(raw)), (x, raw)
