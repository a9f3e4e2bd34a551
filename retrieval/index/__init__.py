"""The index on disk: the store and its commit protocol, the vector and lexical indexes, the writer's lock and journal, the library's changes."""
