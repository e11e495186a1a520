"""What the user attaches: image files, URLs and stdin, documents, and fitting images to the
service's limits. Reads files and (with --download) URLs; never draws on the terminal."""
