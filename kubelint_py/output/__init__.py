"""Output: the reporters (one module per format), rule documentation, and text from the tree
made safe to show."""
