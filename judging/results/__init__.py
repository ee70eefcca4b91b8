"""Results: inputs, the frozen snapshot, the sponsor's decision and awards, publication."""
