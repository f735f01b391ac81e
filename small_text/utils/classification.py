"""Turning probability matrices into prediction results."""
import numpy as np
from scipy.sparse import csr_matrix

from small_text.utils.labels import list_to_csr


def prediction_result(proba, multi_label, num_classes, return_proba=False,
                      multi_label_threshold=0.5):
    """Convert a dense (n, C) probability matrix into predictions.

    Parameters
    ----------
    proba : np.ndarray
        Probabilities of shape (n_samples, num_classes).
    multi_label : bool
        Single-label: argmax per row. Multi-label: every label whose probability is strictly
        greater than ``multi_label_threshold``.
    num_classes : int
        Number of classes.
    return_proba : bool, default=False
        Also return the probabilities (a csr matrix of the predicted labels' probabilities in
        the multi-label case).
    multi_label_threshold : float, default=0.5
        Threshold for multi-label predictions.

    Returns
    -------
    predictions : np.ndarray of int64 (n,) or csr_matrix (n, num_classes)
    proba : np.ndarray or csr_matrix, only if ``return_proba``
    """
    if multi_label:
        mask = proba > multi_label_threshold
        rows, cols = np.nonzero(mask)
        shape = (proba.shape[0], num_classes)
        predictions = csr_matrix((np.ones(rows.shape[0], dtype=np.int64),
                                  (rows, cols)), shape=shape)
        predictions.sort_indices()
        if return_proba:
            proba_sparse = csr_matrix((proba[rows, cols].astype(np.float64), (rows, cols)),
                                      shape=shape)
            proba_sparse.sort_indices()
            return predictions, proba_sparse
        return predictions

    predictions = np.argmax(proba, axis=1).astype(np.int64)
    if return_proba:
        return predictions, proba
    return predictions


def empty_result(multi_label, num_classes, return_prediction=True, return_proba=True):
    """Return the result of predicting on an empty dataset.

    Raises
    ------
    ValueError
        If both ``return_prediction`` and ``return_proba`` are False.
    """
    if not return_prediction and not return_proba:
        raise ValueError("Invalid usage: At least one of 'prediction' or 'proba' must be True")
    if multi_label:
        predictions = csr_matrix((0, num_classes), dtype=np.int64)
        proba = csr_matrix((0, num_classes), dtype=float)
    else:
        predictions = np.empty((0, num_classes), dtype=np.int64)
        proba = np.empty((0, num_classes), dtype=float)
    if return_prediction and return_proba:
        return predictions, proba
    return predictions if return_prediction else proba


def _multi_label_list_to_multi_hot(list_of_label_lists, num_classes):
    """Convert lists of label ids into lists of 0/1 of length ``num_classes``."""
    return list_to_csr(list_of_label_lists, (len(list_of_label_lists), num_classes)) \
        .toarray().tolist()


def _check_classifier_dataset_consistency(classifier, dataset, dataset_name_in_error='dataset'):
    """Check that ``dataset`` matches the classifier's label mode and number of classes."""
    if dataset is None:
        return
    if classifier.multi_label != dataset.is_multi_label:
        raise ValueError(
            f'The classifier is configured for single-label classification, but the '
            f'{dataset_name_in_error} data is labeled for multi-label classification. '
            f'(classifier multi_label={classifier.multi_label}, '
            f'{dataset_name_in_error} is_multi_label={dataset.is_multi_label})')
    num_dataset_classes = dataset.target_labels.shape[0]
    if classifier.num_classes != num_dataset_classes:
        raise ValueError(
            f'The classifier is set up to handle {classifier.num_classes} classes, but the '
            f'{dataset_name_in_error} data contains {num_dataset_classes} classes. '
            f'Set num_classes to match the target labels of the data.')
