"""Background work of the assembly: none yet (tallies run in the request; they take well under a second)."""
