"""Moving the graph in and out: RDF (Turtle, JSON-LD, N-Triples), SPARQL, GraphML, GEXF, CSV."""
