"""Reading and validating `persistgen.yaml`."""

SPEC_FILE = "persistgen.yaml"  # a project's spec, in its top directory
