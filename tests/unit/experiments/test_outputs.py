import json

import pytest

from small_text.experiments import ExperimentError
from small_text.experiments.outputs import (
    OUTPUT_FILES,
    RESULTS_CSV,
    RESULTS_JSON,
    dependency_versions,
    open_results,
    result_columns,
)

COLUMNS = result_columns(multi_label=False)
HEADER = {'config': {'data': None, 'rounds': 1, 'out': '/somewhere'},
          'dataset': {'name': 'tiny', 'files': {'train': {'sha256': 'abc'}}},
          'versions': {}}


def _row(strategy, seed, round_number, accuracy=0.5):
    return {'dataset': 'tiny', 'strategy': strategy, 'seed': seed, 'round': round_number,
            'num_labels': 10 + round_number, 'accuracy': accuracy, 'macro_f1': 0.25,
            'fit_seconds': 0.1, 'predict_seconds': 0.2, 'query_seconds': 0.3}


def test_result_columns():
    assert result_columns(False) == ('dataset', 'strategy', 'seed', 'round', 'num_labels',
                                     'accuracy', 'macro_f1', 'fit_seconds', 'predict_seconds',
                                     'query_seconds')
    assert result_columns(True)[5:7] == ('micro_f1', 'macro_f1')


def test_dependency_versions_name_the_main_packages():
    versions = dependency_versions()
    assert {'python', 'small-text', 'numpy', 'scipy', 'scikit-learn'} <= versions.keys()


def test_writer_appends_rows_to_csv_and_json(tmp_path):
    writer, finished = open_results(tmp_path / 'out', HEADER, COLUMNS, rounds=1)
    assert finished == set()
    assert (tmp_path / 'out' / RESULTS_CSV).read_text().splitlines() == [','.join(COLUMNS)]
    writer.append(_row('a', 0, 0, accuracy=1 / 3))
    lines = (tmp_path / 'out' / RESULTS_CSV).read_text().splitlines()
    assert lines[1] == 'tiny,a,0,0,10,0.3333333333333333,0.25,0.1,0.2,0.3'
    stored = json.loads((tmp_path / 'out' / RESULTS_JSON).read_text())
    assert stored['config'] == HEADER['config']
    assert stored['rows'] == [_row('a', 0, 0, accuracy=1 / 3)]
    assert not list((tmp_path / 'out').glob('*.tmp'))


def _previous_run(out, rows):
    writer, _ = open_results(out, HEADER, COLUMNS, rounds=1)
    for row in rows:
        writer.append(row)


def test_same_configuration_keeps_finished_runs_and_drops_unfinished_ones(tmp_path):
    out = tmp_path / 'out'
    _previous_run(out, [_row('a', 0, 0), _row('a', 0, 1), _row('a', 1, 0)])
    with open(out / RESULTS_CSV, 'a') as f:
        f.write('tiny,a,1,1,11,0.5,0.2')  # a line cut short by a crash
    header = {**HEADER, 'config': {**HEADER['config'], 'out': '/elsewhere'}}
    writer, finished = open_results(out, header, COLUMNS, rounds=1, resume=True)
    assert finished == {('tiny', 'a', 0)}
    assert writer.rows == [_row('a', 0, 0), _row('a', 0, 1)]
    assert len((out / RESULTS_CSV).read_text().splitlines()) == 3
    assert json.loads((out / RESULTS_JSON).read_text())['rows'] == writer.rows


def test_same_configuration_is_continued_without_resume_too(tmp_path):
    out = tmp_path / 'out'
    _previous_run(out, [_row('a', 0, 0), _row('a', 0, 1)])
    _, finished = open_results(out, HEADER, COLUMNS, rounds=1)
    assert finished == {('tiny', 'a', 0)}


def test_run_written_before_later_options_is_continued(tmp_path):
    out = tmp_path / 'out'
    _previous_run(out, [_row('a', 0, 0), _row('a', 0, 1)])  # its config lacks those keys
    header = {**HEADER, 'config': {**HEADER['config'], 'model': None, 'embeddings': None,
                                   'stopping': []}}
    _, finished = open_results(out, header, COLUMNS, rounds=1, resume=True)
    assert finished == {('tiny', 'a', 0)}
    header['config']['stopping'] = ['kappa-average']
    with pytest.raises(ExperimentError, match='differs in --stopping'):
        open_results(out, header, COLUMNS, rounds=1, resume=True)


def test_other_configuration_is_rejected_with_its_differences(tmp_path):
    out = tmp_path / 'out'
    _previous_run(out, [_row('a', 0, 0)])
    header = {**HEADER, 'config': {**HEADER['config'], 'rounds': 2},
              'dataset': {'name': 'tiny', 'files': {'train': {'sha256': 'def'}}}}
    with pytest.raises(ExperimentError, match='another configuration \\(it differs in '
                                              '--rounds, the contents of the data files\\)'):
        open_results(out, header, COLUMNS, rounds=2)


def test_folder_with_other_files_is_rejected(tmp_path):
    (tmp_path / 'notes.txt').write_text('mine')
    with pytest.raises(ExperimentError, match='exists and holds no previous run.*--overwrite'):
        open_results(tmp_path, HEADER, COLUMNS, rounds=1)


def test_corrupt_results_json_is_no_previous_run(tmp_path):
    (tmp_path / RESULTS_JSON).write_text('{"config": ')
    with pytest.raises(ExperimentError, match='holds no previous run'):
        open_results(tmp_path, HEADER, COLUMNS, rounds=1)


def test_empty_folder_starts_a_new_run(tmp_path):
    writer, finished = open_results(tmp_path, HEADER, COLUMNS, rounds=1)
    assert finished == set() and writer.rows == []


def test_file_as_out_is_rejected(tmp_path):
    (tmp_path / 'out').write_text('x')
    with pytest.raises(ExperimentError, match='is a file; pass a folder'):
        open_results(tmp_path / 'out', HEADER, COLUMNS, rounds=1)


def test_overwrite_deletes_only_experiment_files(tmp_path):
    _previous_run(tmp_path, [_row('a', 0, 0), _row('a', 0, 1)])
    for name in OUTPUT_FILES[2:]:
        (tmp_path / name).write_text('old')
    (tmp_path / 'notes.txt').write_text('mine')
    header = {**HEADER, 'config': {**HEADER['config'], 'rounds': 5}}
    writer, finished = open_results(tmp_path, header, COLUMNS, rounds=5, overwrite=True)
    assert finished == set() and writer.rows == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ['notes.txt', RESULTS_CSV,
                                                          RESULTS_JSON]


def test_resume_needs_a_previous_run(tmp_path):
    with pytest.raises(ExperimentError, match='--resume: .* holds no previous run'):
        open_results(tmp_path / 'new', HEADER, COLUMNS, rounds=1, resume=True)


def test_resume_and_overwrite_exclude_each_other(tmp_path):
    with pytest.raises(ExperimentError, match='either --resume or --overwrite'):
        open_results(tmp_path, HEADER, COLUMNS, rounds=1, resume=True, overwrite=True)


def test_out_that_cannot_be_created(tmp_path):
    (tmp_path / 'file').write_text('x')
    with pytest.raises(ExperimentError, match='cannot be created'):
        open_results(tmp_path / 'file' / 'out', HEADER, COLUMNS, rounds=1)


def test_results_written_before_the_dataset_column_are_continued(tmp_path):
    out = tmp_path / 'out'
    _previous_run(out, [_row('a', 0, 0), _row('a', 0, 1), _row('a', 1, 0)])
    lines = (out / RESULTS_CSV).read_text().splitlines(keepends=True)
    (out / RESULTS_CSV).write_text(''.join(line.split(',', 1)[1] for line in lines))
    writer, finished = open_results(out, HEADER, COLUMNS, rounds=1, resume=True)
    assert finished == {('tiny', 'a', 0)}
    assert writer.rows == [_row('a', 0, 0), _row('a', 0, 1)]
    assert (out / RESULTS_CSV).read_text().splitlines()[0] == ','.join(COLUMNS)
