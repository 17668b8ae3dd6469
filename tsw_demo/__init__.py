"""The demo seller and the simulated worlds of the tests and benchmarks (README.md beside this file).

A package beside the product: `orchestration/` never imports it, but for the `tsw demo` command.
"""
