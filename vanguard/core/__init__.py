"""The lowest layer: helpers every app may import, importing no app of the project."""
