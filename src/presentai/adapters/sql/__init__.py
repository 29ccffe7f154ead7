"""The system of record in SQL: PostgreSQL (psycopg 3, pooled) and SQLite, behind one set of repositories."""
