"""Tests of the office's pages, forms and who may see what."""
