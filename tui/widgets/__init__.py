"""Solo's widgets: they show data handed to them and post messages; they never touch the vault."""
