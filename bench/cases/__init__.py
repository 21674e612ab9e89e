"""One module per `make bench` case; each adds its figures to the results."""
