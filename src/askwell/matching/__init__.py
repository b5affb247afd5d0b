"""Who can help: expertise profiles, hybrid retrieval and the explainable ranker."""
