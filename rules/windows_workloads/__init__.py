"""Built-in rules of one guidance document (see kubelint_py/guidance.py)."""
