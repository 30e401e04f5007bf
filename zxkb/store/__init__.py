"""The database: connections and transactions, the schema (the only DDL),
document writes, reads, and the vocabulary's tables."""
