"""Generated namespace modules; do not edit."""
