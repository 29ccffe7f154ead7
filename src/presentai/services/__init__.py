"""Use cases: one small class per command, taking ports as plain arguments."""
