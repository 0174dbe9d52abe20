"""`python -m builder` runs the `decks` command."""

from builder.cli import main

main()
