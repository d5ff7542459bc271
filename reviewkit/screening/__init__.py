"""From candidate to decision: two-stage screening by two reviewers (`workflow`) and its `make check` rules
(`check`), the PRISMA 2020 counts (`prisma`), the prioritised queue (`rank`) and ASReview LAB's round trip
(`asreview`), and the `reviewkit screen` command (`cli`)."""
