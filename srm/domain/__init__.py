"""Domain services: plain Python over a Store; no CLI framework, no terminal output."""
