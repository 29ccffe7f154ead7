"""In-process adapters for the embedded mode: repositories held in memory."""
