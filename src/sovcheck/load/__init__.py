"""Reading files: the only package that knows YAML and JSON syntax (and ruamel.yaml)."""
