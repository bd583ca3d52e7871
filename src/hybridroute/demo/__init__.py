"""The built-in demo: a BANKING77 routing setup and a runner that summarises it."""
