"""The item model: kinds and schemas, the file format, dates, names, ids, the one resolver and the one Markdown scanner."""
