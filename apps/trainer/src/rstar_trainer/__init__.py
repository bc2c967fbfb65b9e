"""PLACEHOLDER (setup helper): replaced by the trainer's package."""
