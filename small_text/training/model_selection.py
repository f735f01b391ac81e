"""Model selection: record the models seen during training and pick the best one."""
from abc import ABC, abstractmethod

import numpy as np

from small_text.training.metrics import Metric


class ModelSelectionResult:
    """A model chosen by a :class:`ModelSelectionManager`.

    Parameters
    ----------
    model_id : str
        Identifier of the model.
    model_path : str
        Path of the saved model.
    measured_values : dict of str to object
        The model's metric values.
    fields : dict of str to object or None, default={}
        Additional recorded fields (copied); None means an empty dict.
    """

    def __init__(self, model_id, model_path, measured_values, fields=dict()):
        self.model_id = model_id
        self.model_path = model_path
        self.measured_values = measured_values
        self.fields = dict() if fields is None else dict(fields)

    def __repr__(self):
        return (f'ModelSelectionResult(\'{self.model_id}\', \'{self.model_path}\', '
                f'{self.measured_values}, {self.fields})')


class ModelSelectionManager(ABC):
    """Records models with their measured values during training and selects the best."""

    @abstractmethod
    def add_model(self, model_id, model_path, measured_values, step=0, fields=dict()):
        """Record a model.

        Parameters
        ----------
        model_id : str
            Unique identifier of the model.
        model_path : str
            Path of the saved model.
        measured_values : dict of str to object
            The model's metric values, e.g. ``{'val_loss': 0.1, 'val_acc': 0.9}``.
        step : int, default=0
            Training step at which the model was recorded.
        fields : dict of str to object or None, default={}
            Additional fields to record.
        """

    @abstractmethod
    def select(self, select_by=None):
        """Return the best recorded model.

        Parameters
        ----------
        select_by : str or list of str or None, default=None
            Metric name(s) by which to select; None means the manager's default.

        Returns
        -------
        result : ModelSelectionResult or None
            The best model, or None if there is none.
        """


class NoopModelSelection(ModelSelectionManager):
    """A model selection manager that records nothing and selects nothing.

    Classifiers treat an instance as "model selection disabled" and save no checkpoints.

    Attributes
    ----------
    last_model_id : str or None
        The identifier passed to the last :meth:`add_model` call.
    """

    def __init__(self):
        self.last_model_id = None

    def add_model(self, model_id, model_path, measured_values, step=0, fields=dict()):
        """Only remember ``model_id`` as ``last_model_id``.

        Parameters
        ----------
        model_id : str
            Identifier of the model.
        model_path : str
            Ignored.
        measured_values : dict of str to object
            Ignored.
        step : int, default=0
            Ignored.
        fields : dict of str to object or None, default={}
            Ignored.

        Returns
        -------
        model_id : str
            The given identifier.
        """
        self.last_model_id = model_id
        return model_id

    def select(self, select_by=None):
        """Return None.

        Parameters
        ----------
        select_by : str or list of str or None, default=None
            Ignored.

        Returns
        -------
        result : None
            Always None.
        """
        return None


class ModelSelection(ModelSelectionManager):
    """Records each evaluated model's metrics and selects the best one by a configurable rule.

    Models are ordered lexicographically by the select-by metrics, the first being primary:
    ascending for lower-is-better metrics, descending otherwise, NaN (missing) last; remaining
    ties go to the model that was added first. Models recorded with ``early_stop=True`` are
    never selected.

    Parameters
    ----------
    default_select_by : str or list of str, default=['val_loss', 'val_acc']
        Metric name(s) used by :meth:`select` when it gets no ``select_by``.
    metrics : list of Metric, default=ModelSelection.DEFAULT_METRICS
        The recorded metrics.
    required : list of str, default=['val_loss', 'val_acc']
        Metric names that every :meth:`add_model` call must provide.
    fields_config : dict of str to type or None, default={}
        Additional fields to record (None means none; the dict is copied), mapping each field name to its type.
        A field named ``'early_stop'`` is always present and must not be configured.

    Attributes
    ----------
    default_select_by : list of str
        The default select-by metric names.
    metrics : list of Metric
        The recorded metrics.
    required : set of str
        The required metric names.
    fields_config : dict of str to type
        The additional fields.
    last_model_id : str or None
        The identifier of the last added model.
    models : np.ndarray
        Structured array with one row per added model and the columns ``model_id``,
        ``model_path``, the metrics, the configured fields and the bool field ``early_stop``.
        Missing values are NaN in float columns and None in other columns.

    Raises
    ------
    ValueError
        If ``fields_config`` contains ``'early_stop'``, a select-by name is not among the metric
        and required names, a required name is not among the metrics, or names collide.

    Examples
    --------
    >>> model_selection = ModelSelection()
    >>> model_selection.add_model('1', '/tmp/1', {'val_acc': 0.87, 'val_loss': 0.123})
    '1'
    >>> model_selection.add_model('2', '/tmp/2', {'val_acc': 0.88, 'val_loss': 0.091})
    '2'
    >>> model_selection.select('val_acc').model_id
    '2'
    """

    DEFAULT_METRICS = [
        Metric('val_loss'),
        Metric('val_acc', lower_is_better=False),
        Metric('train_loss'),
        Metric('train_acc', lower_is_better=False)
    ]
    DEFAULT_REQUIRED_METRIC_NAMES = ['val_loss', 'val_acc']
    FIELD_NAME_EARLY_STOPPING = 'early_stop'
    DEFAULT_DEFAULT_SELECT_BY = ['val_loss', 'val_acc']

    _RESERVED_COLUMNS = ('model_id', 'model_path', FIELD_NAME_EARLY_STOPPING)

    def __init__(self, default_select_by=DEFAULT_DEFAULT_SELECT_BY, metrics=DEFAULT_METRICS,
                 required=DEFAULT_REQUIRED_METRIC_NAMES, fields_config=dict()):
        default_select_by = _as_name_list(default_select_by)
        metrics = list(metrics)
        required = set(required)
        fields_config = dict() if fields_config is None else dict(fields_config)

        if self.FIELD_NAME_EARLY_STOPPING in fields_config:
            raise ValueError(f'The field name "{self.FIELD_NAME_EARLY_STOPPING}" is reserved and '
                             f'must not be part of fields_config.')
        metric_names = _check_metrics(metrics)
        _check_names_unique(metric_names + list(fields_config) + list(self._RESERVED_COLUMNS))

        known_names = set(metric_names) | required
        unknown_select_by = [name for name in default_select_by if name not in known_names]
        if len(known_names) > 0 and len(unknown_select_by) > 0:
            raise ValueError(f'default_select_by contains names that are neither metrics nor '
                             f'required: {unknown_select_by}. Known names: '
                             f'{sorted(known_names)}.')
        missing_required = sorted(required - set(metric_names))
        if len(missing_required) > 0:
            raise ValueError(f'Required metrics must be among the configured metrics, but '
                             f'{missing_required} are not in {metric_names}.')

        self.default_select_by = default_select_by
        self.metrics = metrics
        self.required = required
        self.fields_config = fields_config

        self.last_model_id = None
        self.models = np.empty(0, dtype=self._table_dtype())

    def _table_dtype(self):
        columns = [('model_id', object), ('model_path', object)]
        columns += [(metric.name, _column_type(metric.dtype)) for metric in self.metrics]
        columns += [(name, _column_type(field_type))
                    for name, field_type in self.fields_config.items()]
        columns += [(self.FIELD_NAME_EARLY_STOPPING, bool)]
        return np.dtype(columns)

    def add_model(self, model_id, model_path, measured_values, fields=dict()):
        """Record a model.

        Parameters
        ----------
        model_id : str
            Unique identifier of the model.
        model_path : str
            Unique path of the saved model (None paths are not checked for uniqueness).
        measured_values : dict of str to object
            The model's metric values. Values of metrics that are not configured are ignored;
            missing (or None) values of configured metrics are stored as NaN / None.
        fields : dict of str to object or None, default={}
            Values of the configured fields and of ``'early_stop'`` (default False).

        Returns
        -------
        model_id : str
            The given identifier.

        Raises
        ------
        ValueError
            If ``model_id`` or ``model_path`` was added before, a required metric is missing,
            or ``fields`` contains an unconfigured field.
        """
        fields = dict() if fields is None else fields
        if np.any(self.models['model_id'] == model_id):
            raise ValueError(f'Duplicate model_id: a model with id {model_id!r} was already '
                             f'added.')
        if model_path is not None and np.any(self.models['model_path'] == model_path):
            raise ValueError(f'Duplicate model_path: a model with path {model_path!r} was '
                             f'already added.')
        missing_required = sorted(name for name in self.required
                                  if measured_values.get(name) is None)
        if len(missing_required) > 0:
            raise ValueError(f'Required metrics are missing from measured_values: '
                             f'{missing_required}.')
        unknown_fields = sorted(set(fields) - set(self.fields_config)
                                - {self.FIELD_NAME_EARLY_STOPPING})
        if len(unknown_fields) > 0:
            raise ValueError(f'Unknown fields {unknown_fields}: add them to fields_config '
                             f'first.')

        row = [model_id, model_path]
        row += [_convert(measured_values.get(metric.name), metric.dtype) for metric in self.metrics]
        row += [_convert(fields.get(name), field_type)
                for name, field_type in self.fields_config.items()]
        row += [bool(fields.get(self.FIELD_NAME_EARLY_STOPPING, False))]

        self.models = np.append(self.models, np.array([tuple(row)], dtype=self.models.dtype))
        self.last_model_id = model_id
        return model_id

    def select(self, select_by=None):
        """Return the best model that was not recorded with ``early_stop=True``.

        Parameters
        ----------
        select_by : str or list of str or None, default=None
            Metric name(s) to order by, the first being primary; None means
            ``default_select_by``.

        Returns
        -------
        result : ModelSelectionResult or None
            The best model with all its metrics and fields (including ``early_stop``), or None
            if no model is a candidate.

        Raises
        ------
        ValueError
            If a select-by name is not a configured metric.
        """
        select_by = self.default_select_by if select_by is None else _as_name_list(select_by)
        metrics_by_name = {metric.name: metric for metric in self.metrics}
        unknown = [name for name in select_by if name not in metrics_by_name]
        if len(unknown) > 0:
            raise ValueError(f'Cannot select by unknown metrics {unknown}. Configured metrics: '
                             f'{list(metrics_by_name)}.')

        candidates = self.models[~self.models[self.FIELD_NAME_EARLY_STOPPING]]
        if candidates.shape[0] == 0:
            return None

        best = candidates[_lexicographic_best([metrics_by_name[name] for name in select_by],
                                              candidates)]
        measured_values = {metric.name: _to_python(best[metric.name]) for metric in self.metrics}
        fields = {name: _to_python(best[name])
                  for name in list(self.fields_config) + [self.FIELD_NAME_EARLY_STOPPING]}
        return ModelSelectionResult(best['model_id'], best['model_path'], measured_values,
                                    fields=fields)


def _lexicographic_best(metrics, table):
    """Index of the best row of ``table`` ordered by ``metrics`` (first primary, NaN last,
    remaining ties to the earliest row)."""
    keys = []
    for metric in metrics:
        column = np.array([np.nan if value is None else value for value in table[metric.name]],
                          dtype=np.float64)
        keys.append(column if metric.lower_is_better else -column)
    # np.lexsort sorts by the last key first and is stable, so ties keep the insertion order
    return np.lexsort([np.arange(table.shape[0])] + keys[::-1])[0]


def _as_name_list(names):
    return [names] if isinstance(names, str) else list(names)


def _check_metrics(metrics):
    for metric in metrics:
        if not all(hasattr(metric, attribute) for attribute in ('name', 'dtype')):  # protocol
            raise TypeError(f'metrics must contain Metric instances only, but got '
                            f'{type(metric).__name__}.')
    return [metric.name for metric in metrics]


def _check_names_unique(names):
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if len(duplicates) > 0:
        raise ValueError(f'Metric and field names must be unique and must not be one of '
                         f'{list(ModelSelection._RESERVED_COLUMNS)}, but got duplicates: '
                         f'{duplicates}.')


def _column_type(value_type):
    return np.float64 if value_type is float else object


def _convert(value, value_type):
    if value is None:
        return np.nan if value_type is float else None
    return value_type(value)


def _to_python(value):
    return value.item() if isinstance(value, np.generic) else value
