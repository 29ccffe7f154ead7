"""Token counting with tiktoken, loaded offline."""
