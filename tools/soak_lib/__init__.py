"""tools/soak's parts: the server under test, the load workers, the watchers, latency histograms,
key and value naming, and the report."""
