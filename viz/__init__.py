"""Maps of the graph: self-contained HTML files made with pyvis (see viz.maps)."""
