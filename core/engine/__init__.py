"""The vault engine: document storage and repository, the file mirror, the replica, the index and the watcher."""
