"""The book's files and what they mean: paths, the schema, the one safe reader of the files authors edit,
records, problems, vocabularies, the chapters and the bibliography as authors write them. No Sphinx, no kernel."""
