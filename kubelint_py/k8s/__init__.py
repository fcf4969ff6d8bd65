"""Kubernetes semantics for rule authors: pure functions over plain data, no I/O.

Rules may import `kubelint_py.rule_api` and the modules of this package, nothing else.
"""
