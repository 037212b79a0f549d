// The notebook app (entry point).
