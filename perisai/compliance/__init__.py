"""The labour office's compliance check: reported headcounts against registered workers."""
