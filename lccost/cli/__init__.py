"""The command-line interface: each command parses, calls the library and prints."""
