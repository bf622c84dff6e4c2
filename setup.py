"""Builds the compiled core (mtdetect/_*.pyx); the rest is in pyproject.toml.

Why optional: the extension only makes scoring faster. Where no C compiler is
found the build goes on without it and mtdetect runs its pure-Python path
(``mtdetect info`` says which is in use), with the same results.
"""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # a build without Cython (pyproject.toml asks for it): pure Python
    cythonize = None

extensions = [
    Extension("mtdetect._core", ["mtdetect/_core.pyx"]),
    Extension("mtdetect._tables", ["mtdetect/_tables.pyx"]),
    Extension("mtdetect._text", ["mtdetect/_text.pyx"]),
]
if cythonize is not None:
    extensions = cythonize(extensions, quiet=True)
    for extension in extensions:
        extension.optional = True  # cythonize does not carry the flag over: set it here
else:
    extensions = []
setup(ext_modules=extensions)
