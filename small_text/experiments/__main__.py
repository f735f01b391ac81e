"""``python -m small_text.experiments`` runs the ``small-text`` command line."""
from small_text.experiments.cli import main

main(prog_name='small-text')
