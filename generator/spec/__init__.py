"""Reading and validating `persistgen.yaml`."""
