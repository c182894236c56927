"""Modules of tools/bench: servers and /proc figures, redis-benchmark runs, the memory part and the
instruction-count part."""
