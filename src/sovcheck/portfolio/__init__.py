"""Many systems, one picture: concentration, shared single points of failure, distribution,
targets and trend across a portfolio of inventories."""
