"""Benchmarks: speed and memory of the assistant beside the naive pipeline (`python -m benchmarks.run`)."""
