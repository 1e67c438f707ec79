"""Generated endpoint modules; do not edit."""
