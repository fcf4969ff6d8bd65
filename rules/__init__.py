"""Built-in rules, one package per guidance document."""
