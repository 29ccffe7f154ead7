"""Converting rendered decks to other formats."""
