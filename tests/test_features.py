"""FeatureExtractor follows the scikit-learn transformer contract."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from mtdetect.features import FeatureExtractor

TEXTS = [
    "The museum reopened on Saturday after two years of repairs. Visitors queued early.",
    "The talks ended late. ended on Friday , with $ 3 billion promised. And agreed it.",
]


def test_transform_shape_and_names() -> None:
    extractor = FeatureExtractor(families=("surface", "profile")).fit(TEXTS)
    X = extractor.transform(TEXTS)
    names = extractor.get_feature_names_out()
    assert X.shape == (2, len(names))
    assert names[0].startswith("surface.")
    assert X[1, list(names).index("surface.broken_join")] > 0


def test_clone_and_pickle_round_trip() -> None:
    extractor = FeatureExtractor(families=("surface",)).fit(TEXTS)
    copy = clone(extractor)
    assert copy.get_params() == extractor.get_params()
    restored = pickle.loads(pickle.dumps(extractor))
    np.testing.assert_array_equal(restored.transform(TEXTS), extractor.transform(TEXTS))


def test_unfitted_extractor_refuses() -> None:
    with pytest.raises(NotFittedError):
        FeatureExtractor().transform(TEXTS)


def test_unknown_family_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown signal family"):
        FeatureExtractor(families=("nonsense",)).fit(TEXTS)


def test_boilerplate_is_stripped_before_extraction() -> None:
    extractor = FeatureExtractor(families=("surface", "profile")).fit(TEXTS)
    plain = extractor.extract_one(TEXTS[1])
    noisy = extractor.extract_one("[ad_1]\n" + TEXTS[1] + "\nLeave a Reply\n")
    np.testing.assert_allclose(noisy.features, plain.features)
    assert len(noisy.boilerplate) == 2


def test_family_by_family_batches_equal_one_document_at_a_time(shipped_detector) -> None:  # type: ignore[no-untyped-def]
    from conftest import corpus_texts

    from mtdetect.features import BATCH_DOCUMENTS

    extractor = shipped_detector._extractor
    texts = corpus_texts(40, 40)[: BATCH_DOCUMENTS + 9]  # more than one batch
    texts.insert(3, "[ad_1]\n" + texts[3] + "\nLeave a Reply\n")  # offsets shift
    together = extractor.extract(texts)
    alone = [extractor.extract_prepared(extractor.prepare(text)) for text in texts]
    assert len(together) == len(texts)
    for a, b in zip(together, alone, strict=True):
        np.testing.assert_array_equal(a.features, b.features)
        assert a.evidence == b.evidence and a.boilerplate == b.boilerplate


def test_a_failing_document_does_not_stop_its_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    extractor = FeatureExtractor(families=("surface", "profile")).fit(TEXTS)
    surface = extractor._signals()[0]
    original = surface.extract

    def flaky(doc):  # type: ignore[no-untyped-def]
        if "museum" in doc.text:
            raise ValueError("no museums")
        return original(doc)

    monkeypatch.setattr(surface, "extract", flaky)
    outcomes = extractor.extract_prepared_many([extractor.prepare(text) for text in TEXTS])
    assert isinstance(outcomes[0], ValueError)
    np.testing.assert_array_equal(outcomes[1].features, extractor.extract_one(TEXTS[1]).features)
    with pytest.raises(ValueError, match="no museums"):
        extractor.transform(TEXTS)


@pytest.mark.parametrize("broken", ["a value that is not a number", "a value missing"])
def test_a_document_whose_row_cannot_be_assembled_fails_alone(
    monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    # the failure comes after every family ran
    extractor = FeatureExtractor(families=("surface", "profile")).fit(TEXTS)
    surface = extractor._signals()[0]
    original = surface.extract

    def bad_row(doc):  # type: ignore[no-untyped-def]
        row, evidence = original(doc)
        if "museum" in doc.text:
            row = ["not a number", *row[1:]] if "number" in broken else row[1:]
        return row, evidence

    monkeypatch.setattr(surface, "extract", bad_row)
    outcomes = extractor.extract_prepared_many([extractor.prepare(text) for text in TEXTS])
    assert isinstance(outcomes[0], ValueError)
    np.testing.assert_array_equal(outcomes[1].features, extractor.extract_one(TEXTS[1]).features)


# -- the scikit-learn contract (STYLE.md item 6) -----------------------------------------
def test_fit_returns_self() -> None:
    extractor = FeatureExtractor(families=("surface",))
    assert extractor.fit(TEXTS) is extractor


def test_get_params_and_set_params_round_trip() -> None:
    extractor = FeatureExtractor(families=("surface", "profile"), count_telltales=False)
    params = extractor.get_params()
    other = FeatureExtractor().set_params(**params)
    assert other.get_params() == params
    assert other.set_params(gazetteer="names.txt").gazetteer == "names.txt"


def test_a_clone_extracts_the_same_features() -> None:
    extractor = FeatureExtractor(families=("surface", "profile")).fit(TEXTS)
    copy = clone(extractor).fit([])
    np.testing.assert_array_equal(copy.get_feature_names_out(), extractor.get_feature_names_out())
    np.testing.assert_array_equal(copy.transform(TEXTS), extractor.transform(TEXTS))


def test_not_fitted_is_scikit_learns_own_check() -> None:
    from sklearn.utils.validation import check_is_fitted

    with pytest.raises(NotFittedError):
        check_is_fitted(FeatureExtractor(), "feature_names_out_")
    check_is_fitted(FeatureExtractor(families=("surface",)).fit([]), "feature_names_out_")
