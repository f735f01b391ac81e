import subprocess
import sys

import small_text
import small_text.query_strategies as query_strategies


def test_all_lists_the_spec_names_in_spec_order():
    assert query_strategies.__all__ == [
        'constraints', 'ClassificationType', 'QueryStrategy', 'ScoringMixin', 'ClassBalancer',
        'EmptyPoolException', 'QueryException', 'PoolExhaustedException', 'RandomSampling',
        'ConfidenceBasedQueryStrategy', 'BreakingTies', 'LeastConfidence', 'PredictionEntropy',
        'SubsamplingQueryStrategy', 'EmbeddingBasedQueryStrategy', 'EmbeddingKMeans',
        'ContrastiveActiveLearning', 'DiscriminativeActiveLearning', 'greedy_coreset',
        'GreedyCoreset', 'lightweight_coreset', 'LightweightCoreset', 'BALD',
        'CategoryVectorInconsistencyAndRanking', 'LabelCardinalityInconsistency',
        'AdaptiveActiveLearning', 'AnchorSubsampling', 'SEALS', 'ProbCover',
    ]


def test_all_names_are_importable_here_and_at_top_level():
    for name in query_strategies.__all__:
        assert getattr(small_text, name) is getattr(query_strategies, name)


def test_import_loads_no_optional_dependency():
    code = ('import sys, small_text.query_strategies; '
            'print(sorted(m for m in ("torch", "transformers", "hnswlib", "networkx") '
            'if m in sys.modules))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == '[]'
