// The sandboxed output frame (entry point).
