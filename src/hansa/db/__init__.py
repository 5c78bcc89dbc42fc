"""Database subgraphs: Python classes over PostgreSQL, MariaDB/MySQL and SQLite tables, served
as Apollo Federation subgraphs (standalone, or in-process inside the gateway), federated across
databases by keys, one SQL query per hop."""
