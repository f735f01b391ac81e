"""Property-based tests (Hypothesis) of the core datasets and their views: construction
invariants, indexing like NumPy (also nested), cloning, and the rejection of invalid labels."""
from contextlib import nullcontext

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix

from small_text.data import SklearnDataset, TextDataset

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _features(kind, num_samples):
    """Row i identifies sample i, so that selected rows can be traced back."""
    if kind == 'text':
        return [f'text {i}' for i in range(num_samples)]
    x = np.column_stack([np.arange(num_samples), np.arange(num_samples) * 0.5,
                         -np.arange(num_samples)]).astype(np.float64).reshape(num_samples, 3)
    return csr_matrix(x) if kind == 'sparse' else x


def _rows(x):
    """The samples of ``x`` as a list of hashable rows."""
    if isinstance(x, list):
        return x
    dense = x.toarray() if isinstance(x, csr_matrix) else x
    return [tuple(row) for row in dense]


def _dense_y(y):
    return y.toarray() if isinstance(y, csr_matrix) else y


@st.composite
def datasets(draw, min_samples=0):
    kind = draw(st.sampled_from(['dense', 'sparse', 'text']))
    multi_label = draw(st.booleans())
    num_samples = draw(st.integers(min_samples, 12))
    num_classes = draw(st.integers(1, 4))
    if multi_label:
        rows = draw(st.lists(st.lists(st.booleans(), min_size=num_classes,
                                      max_size=num_classes),
                             min_size=num_samples, max_size=num_samples))
        y = csr_matrix(np.asarray(rows, dtype=np.int64).reshape(num_samples, num_classes))
    else:
        y = np.asarray(draw(st.lists(st.integers(-1, num_classes - 1), min_size=num_samples,
                                     max_size=num_samples)), dtype=np.int64)
    tracking = draw(st.booleans())
    target_labels = None if tracking else np.arange(num_classes)
    dataset_class = TextDataset if kind == 'text' else SklearnDataset
    with pytest.warns(UserWarning) if tracking else nullcontext():
        return dataset_class(_features(kind, num_samples), y, target_labels=target_labels)


@st.composite
def selections(draw, num_samples):
    """A selection of any supported kind, and the positions it selects."""
    kinds = ['slice', 'positions', 'array', 'mask', 'bool_list'] + (['int'] if num_samples else [])
    kind = draw(st.sampled_from(kinds))
    if kind == 'int':
        selection = draw(st.integers(0, num_samples - 1))
    elif kind == 'slice':
        selection = slice(draw(st.integers(-num_samples - 1, num_samples + 1)),
                          draw(st.integers(-num_samples - 1, num_samples + 1)),
                          draw(st.sampled_from([1, 2, 3, -1, -2])))
    elif kind in ('positions', 'array'):
        positions = draw(st.lists(st.integers(0, num_samples - 1), max_size=8)) \
            if num_samples else []
        selection = positions if kind == 'positions' else np.asarray(positions, dtype=np.int64)
    else:
        mask = draw(st.lists(st.booleans(), min_size=num_samples, max_size=num_samples))
        selection = mask if kind == 'bool_list' else np.asarray(mask, dtype=bool)
    return selection, np.atleast_1d(np.arange(num_samples)[selection])


def _labels(dataset):
    y = dataset.y
    return np.unique(y.indices) if isinstance(y, csr_matrix) else np.unique(y[y >= 0])


@SETTINGS
@given(datasets())
def test_construction_invariants(dataset):
    assert len(dataset) == _dense_y(dataset.y).shape[0] == len(_rows(dataset.x))
    assert dataset.is_multi_label is isinstance(dataset.y, csr_matrix)
    assert np.isin(_labels(dataset), dataset.target_labels).all()
    assert np.unique(dataset.target_labels).shape[0] == dataset.target_labels.shape[0]
    assert dataset.target_labels.min() >= 0


@SETTINGS
@given(st.data())
def test_views_select_like_numpy_and_nest(data):
    dataset = data.draw(datasets())
    selection, positions = data.draw(selections(len(dataset)))
    view = dataset[selection]
    assert len(view) == positions.shape[0]
    assert _rows(view.x) == [_rows(dataset.x)[i] for i in positions]
    np.testing.assert_array_equal(_dense_y(view.y), _dense_y(dataset.y)[positions])
    assert view.target_labels is dataset.target_labels
    assert view.is_multi_label is dataset.is_multi_label

    inner_selection, inner_positions = data.draw(selections(len(view)))
    nested = view[inner_selection]
    assert _rows(nested.x) == [_rows(dataset.x)[i] for i in positions[inner_positions]]
    np.testing.assert_array_equal(_dense_y(nested.y),
                                  _dense_y(dataset.y)[positions[inner_positions]])


@SETTINGS
@given(st.data())
def test_clones_are_equal_and_independent(data):
    dataset = data.draw(datasets(min_samples=1))
    selection, positions = data.draw(selections(len(dataset)))
    with pytest.warns(UserWarning) if dataset.track_target_labels else nullcontext():
        clone = dataset.clone()
        view_clone = dataset[selection].clone()

    for copy, expected in [(clone, np.arange(len(dataset))), (view_clone, positions)]:
        assert type(copy) is type(dataset)
        assert _rows(copy.x) == [_rows(dataset.x)[i] for i in expected]
        np.testing.assert_array_equal(_dense_y(copy.y), _dense_y(dataset.y)[expected])
        assert copy.track_target_labels is dataset.track_target_labels
        assert np.isin(_labels(copy), copy.target_labels).all()
        if not dataset.track_target_labels:
            np.testing.assert_array_equal(copy.target_labels, dataset.target_labels)
            assert copy.target_labels is not dataset.target_labels

    original_y = _dense_y(dataset.y).copy()
    if dataset.is_multi_label:
        clone.y.data[:] = 0
    else:
        clone.y[:] = -1
    np.testing.assert_array_equal(_dense_y(dataset.y), original_y)


@SETTINGS
@given(datasets(min_samples=1), st.data())
def test_invalid_labels_are_rejected_and_change_nothing(dataset, data):
    old_y = dataset.y
    position = data.draw(st.integers(0, len(dataset) - 1))
    if dataset.is_multi_label:
        dense = dataset.y.toarray()
        dense[position, 0] = data.draw(st.sampled_from([2, -1, 5]))
        bad_y, message = csr_matrix(dense), r'^y \(multi-label\) must be a 0/1 indicator matrix'
    else:
        bad_y = dataset.y.copy()
        bad_y[position] = data.draw(st.integers(-100, -2))
        message = r'^y must hold label ids >= 0, or -1 \(LABEL_UNLABELED\)'
    with pytest.raises(ValueError, match=message):
        dataset.y = bad_y
    assert dataset.y is old_y

    if not dataset.track_target_labels:
        outside = dataset.target_labels.max() + 1
        if dataset.is_multi_label:
            dense = np.zeros((len(dataset), outside + 1), dtype=np.int64)
            dense[position, outside] = 1
            bad_y = csr_matrix(dense)
        else:
            bad_y = np.full(len(dataset), -1)
            bad_y[position] = outside
        with pytest.raises(ValueError, match='^Error while assigning new labels to dataset: '
                                             f'Encountered label with id {outside}'):
            dataset.y = bad_y
        assert dataset.y is old_y
