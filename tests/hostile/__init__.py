"""Hostile input, faults and untrusted repositories (issue 8): the linter never breaks,
hangs, loses findings, writes, runs or leaks anything because of what it reads."""
