"""A local Dask cluster with two worker processes, shared by the tests of this package."""
import pytest


@pytest.fixture(scope='package')
def dask_client():
    distributed = pytest.importorskip(
        'distributed', reason='needs the extra dask: pip install "small-text[dask]"')
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
