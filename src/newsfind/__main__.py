"""`python -m newsfind`: the same as the `newsfind` console script."""
from newsfind.cli import main

main()
