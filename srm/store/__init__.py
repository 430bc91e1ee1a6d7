"""Storage: the schema of record (models), its migrations, and the SQLite connection."""
