"""packtan: the knowledge graph of Drucksache 17/7349 ("Packt Niedersachsen an?")."""

__version__ = "0.1.0"
