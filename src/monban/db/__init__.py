"""Tables, the engine, migrations."""
