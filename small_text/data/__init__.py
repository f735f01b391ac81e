"""Datasets, views, sampling and splitting."""
from small_text.data.datasets import (
    Dataset,
    DatasetView,
    SklearnDataset,
    SklearnDatasetView,
    TextDataset,
    TextDatasetView,
    check_dataset_and_labels,
    check_size,
    check_target_labels,
    get_updated_target_labels,
    is_multi_label,
    select,
)
from small_text.data.exceptions import UnsupportedOperationException
from small_text.data.sampling import (
    balanced_sampling,
    multilabel_stratified_subsets_sampling,
    stratified_sampling,
)
from small_text.data.splits import get_splits, split_data

__all__ = [
    'check_size', 'check_dataset_and_labels', 'check_target_labels', 'Dataset', 'DatasetView',
    'get_updated_target_labels', 'is_multi_label', 'select', 'SklearnDataset',
    'SklearnDatasetView', 'TextDataset', 'TextDatasetView', 'UnsupportedOperationException',
    'split_data', 'get_splits', 'balanced_sampling', 'multilabel_stratified_subsets_sampling',
    'stratified_sampling',
]
