"""Signal families: each turns a Document into features and evidence spans."""
