"""The normative text and data of forkspec (presets, schemas), shipped as package data."""
