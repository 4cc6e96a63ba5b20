"""Reports: the spec, running it, the files it downloads as, and the bulletin."""
