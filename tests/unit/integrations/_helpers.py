"""Helpers shared by the integration tests."""
import importlib
import importlib.util


def fresh_copy(module_name):
    """Execute the source of ``module_name`` into a new module object: its classes are new
    class objects, exactly as after ``importlib.reload`` (but other tests keep the originals,
    since ``sys.modules`` is left alone)."""
    original = importlib.import_module(module_name)
    spec = importlib.util.find_spec(module_name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module is not original
    return module
