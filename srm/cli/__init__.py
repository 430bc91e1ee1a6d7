"""The command line: parse, call the domain, render. Only this layer imports typer and rich."""
