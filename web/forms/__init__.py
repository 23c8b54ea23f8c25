"""Page forms validate shape only (types, lengths, required); the services decide the rules."""
