"""Full-text search over the tokens the text stage produced: index per backend, queries."""
