"""Events on state grids: bracketing and refinement, passes, imaging opportunities, revisit."""
