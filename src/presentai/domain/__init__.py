"""The PresentAI domain: pure entities, values and policies (stdlib + attrs only)."""
