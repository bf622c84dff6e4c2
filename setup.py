"""Builds the compiled core (mtdetect/_*.pyx); the rest is in pyproject.toml.

Why optional: the extension only makes scoring faster. Where no C compiler is
found the build goes on without it and mtdetect runs its pure-Python path
(``mtdetect info`` says which is in use), with the same results.
"""

import sys

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # a build without Cython (pyproject.toml asks for it): pure Python
    cythonize = None

# _chars.pyx repeats numpy's float64 arithmetic step by step: no fused multiply-adds
_EXACT_FLOATS = [] if sys.platform == "win32" else ["-ffp-contract=off"]

extensions = [
    Extension("mtdetect._core", ["mtdetect/_core.pyx"]),
    Extension("mtdetect._tables", ["mtdetect/_tables.pyx"]),
    Extension("mtdetect._pairs", ["mtdetect/_pairs.pyx"]),
    Extension("mtdetect._chars", ["mtdetect/_chars.pyx"], extra_compile_args=_EXACT_FLOATS),
    Extension("mtdetect._text", ["mtdetect/_text.pyx"]),
    Extension("mtdetect._rows", ["mtdetect/_rows.pyx"]),
]
if cythonize is not None:
    extensions = cythonize(extensions, quiet=True)
    for extension in extensions:
        extension.optional = True  # cythonize does not carry the flag over: set it here
else:
    extensions = []
setup(ext_modules=extensions)
