"""What a chapter's code may call, inside its kernel: load data, glue values into prose, tables (with
their citations), charts, the evidence model, the source audit's figures, the living-mode page."""
