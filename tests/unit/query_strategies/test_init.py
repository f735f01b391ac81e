import small_text.query_strategies as query_strategies


def test_all_lists_the_implemented_names_in_spec_order():
    assert query_strategies.__all__ == [
        'constraints', 'ClassificationType', 'QueryStrategy', 'ScoringMixin',
        'EmptyPoolException', 'QueryException', 'PoolExhaustedException', 'RandomSampling',
        'ConfidenceBasedQueryStrategy', 'BreakingTies', 'LeastConfidence', 'PredictionEntropy',
        'SubsamplingQueryStrategy',
    ]


def test_all_names_are_importable():
    for name in query_strategies.__all__:
        assert getattr(query_strategies, name) is not None
