"""The generated test vectors, shipped as package data.

Written by `forkspec vectors generate`; never edit them by hand.
"""
