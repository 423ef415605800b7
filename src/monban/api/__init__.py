"""JSON routes (/api/v1): translate HTTP to service calls and results to JSON, nothing more."""
