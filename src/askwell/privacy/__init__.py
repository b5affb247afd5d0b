"""Privacy operations composed across domains: a person's data exported, or erased."""
