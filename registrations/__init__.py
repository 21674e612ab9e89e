"""Core floor: the procedure catalogue, bundles and their steps, rules and numbers."""
