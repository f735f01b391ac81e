"""Private helpers of the transformers integration."""
