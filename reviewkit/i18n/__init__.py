"""The Chinese edition's machinery, in one place: which editions the book has (`languages`), the translation
catalogues authors edit and how the build compiles them (`catalogues`), what a translated message must keep
from its English (`parity`), and the generated text of tables, badges and boxes (`generated`).

Runs anywhere (command line, build, kernel); imports `model/` and Babel, never Sphinx.
"""
