"""python -m tsw_demo.generate [--out DIR] [--seed N] [--scale N] ..."""

from tsw_demo.generate import main

main()
