"""Evidence surveillance (`reviewkit watch`): searches PubMed, Europe PMC and ClinicalTrials.gov since the last
run with the strategy in surveillance/search-strategy.yml, appends new de-duplicated candidates to the screening
log (data/screening_log.csv), and watches what the book cites: Crossref notices of retraction, correction or
expression of concern for every DOI in references.bib, and ClinicalTrials.gov status for every registry id in
the data. Everything is computed first and written at once at the end, or not at all.
"""
