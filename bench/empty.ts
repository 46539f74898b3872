// The floor for whole-process timings: `deno run` of a script that does nothing.
