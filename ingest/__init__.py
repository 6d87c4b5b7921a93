"""Loaders: registries and news into the domain model of `graph`."""
