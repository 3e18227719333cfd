"""The rule language: facts the engine computes, and conditions over them."""
