"""The rule set: built-in rules (through the generated index), declarative YAML rules and their
bounded JSON Schemas, and plugins."""
