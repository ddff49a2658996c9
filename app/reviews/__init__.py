"""Expert review (专家评审), ranking, award and publicity (揭榜结果公示): stages 5-6."""
