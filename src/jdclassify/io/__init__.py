"""Input readers and output writers: the only modules that touch files."""
