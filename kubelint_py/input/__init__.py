"""Input: paths and bytes to `Document`s. Discovery of files (and the tree they may name),
bounded reads, decoding, splitting streams, YAML with positions, recognising document types,
and loading over several processes."""
