"""``python -m mtdetect``: the same command line as the ``mtdetect`` script."""

from mtdetect.cli import main_entry

if __name__ == "__main__":
    main_entry()
