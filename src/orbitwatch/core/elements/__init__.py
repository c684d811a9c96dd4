"""Mean element sets: the model, and readers and writers of every public format (pure)."""
