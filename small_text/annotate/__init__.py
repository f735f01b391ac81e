"""``small-text annotate``: label your own texts in the browser, with active learning.

A local web app on a SQLite database: the page at ``/`` shows one text at a time and the
annotator answers with the keyboard; a JSON API under ``/api`` serves the page and scripts.
Labels arrive one at a time from one or several annotators; after every ``query_size`` new
labels a background worker retrains the project's classifier with
:class:`~small_text.active_learner.PoolBasedActiveLearner` and rescores the queue with the
query strategy, while annotation goes on. ``small-text export`` writes the labelled texts.

Modules: :mod:`~small_text.annotate.project` (creating and reopening projects),
:mod:`~small_text.annotate.storage` (the database and its event log),
:mod:`~small_text.annotate.loop` (the background worker), :mod:`~small_text.annotate.service`
(what the API does), :mod:`~small_text.annotate.app` and :mod:`~small_text.annotate.server`
(the web app; these two need ``pip install "small-text[annotate]"``),
:mod:`~small_text.annotate.export` and :mod:`~small_text.annotate.cli`.
"""
