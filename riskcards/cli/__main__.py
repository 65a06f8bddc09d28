"""``python -m riskcards.cli``: the same as the ``riskcards`` command (layer: cli)."""

from riskcards.cli import main

main()
