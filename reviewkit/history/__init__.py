"""The evidence through time: the data and bibliography at a git revision, released versions, what changed
between them in words, cutting a release and the site with every released version."""
