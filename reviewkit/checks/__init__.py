"""`make check`: every rule an author's input must pass before anything is built, each problem with file,
line, field and fix (run by `reviewkit check` and again at the start of every build)."""
