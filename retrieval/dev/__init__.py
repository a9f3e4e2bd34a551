"""Development tools, never imported when serving: benchmarks, evaluation of question sets, fitting the answer box."""
